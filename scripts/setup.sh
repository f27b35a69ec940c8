#!/usr/bin/env bash
# Installs everything raftlab needs from Debian's packages (idempotent: apt runs only when
# something is missing). Run as root on Debian bookworm.
set -euo pipefail

PACKAGES=(
  # build
  g++ cmake ninja-build pkg-config make
  protobuf-compiler protobuf-compiler-grpc libgrpc++-dev libprotobuf-dev
  prometheus-cpp-dev nlohmann-json3-dev libgtest-dev libgmock-dev
  libfuse3-dev libnetfilter-queue-dev libpcap-dev
  # etcd and its protos (generated into the build tree at build time)
  etcd-server etcd-client golang-etcd-server-dev
  # the lab's mechanisms
  iproute2 iptables procps util-linux fuse3 kmod
  # panels and live watching
  gnuplot-nox prometheus curl
)

if [ "$(id -u)" != 0 ]; then
  echo "scripts/setup.sh: run as root (apt-get install, network namespaces)" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# Debian's etcd-server and prometheus packages start system services where systemd runs;
# the lab starts its own members and must not share ports with a system etcd.
for svc in etcd prometheus; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    systemctl disable --now "$svc" >/dev/null 2>&1 || true
  fi
done
