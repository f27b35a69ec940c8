#!/usr/bin/env bash
# The main job: every catalogued scenario on a local cluster (`raftlab lab`), run from the
# repository root so that runs/ and report/index.html land there.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RAFTLAB="$(cd "$BUILD" && pwd)/raftlab"
trap '"$RAFTLAB" down >/dev/null 2>&1 || true' EXIT
"$RAFTLAB" down >/dev/null 2>&1 || true
"$RAFTLAB" lab
