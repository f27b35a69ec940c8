# The README's two commands: `make lab` and `make test`. Each installs what it needs first.
BUILD ?= build
JOBS ?= $(shell nproc)

.PHONY: setup build test lab clean

setup:
	scripts/setup.sh

build: setup
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD) -j $(JOBS)

# Every test: unit tests in parallel, then the ones that start real labs (label netns), which
# ctest runs one at a time.
test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 900

lab: build
	scripts/lab.sh $(BUILD)

clean:
	rm -rf $(BUILD)
