#!/usr/bin/env bash
# The main job: a full lab run on a local cluster, writing its evidence under runs/.
set -euo pipefail
BUILD=${1:-build}
RAFTLAB="$BUILD/raftlab"
trap '"$RAFTLAB" down >/dev/null 2>&1 || true' EXIT
"$RAFTLAB" down >/dev/null 2>&1 || true
"$RAFTLAB" up --members 3
"$RAFTLAB" put greeting hello --via n1
"$RAFTLAB" get greeting --via n3
"$RAFTLAB" status
"$RAFTLAB" down
