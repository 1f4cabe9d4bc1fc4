#!/usr/bin/env bash
# timed.sh LOG NAME COMMAND...: run COMMAND, then append "NAME  seconds" to LOG.
set -euo pipefail
log=$1 name=$2
shift 2
start=$EPOCHREALTIME
"$@"
awk -v name="$name" -v start="$start" -v end="$EPOCHREALTIME" \
  'BEGIN { printf "%-10s %7.1f s\n", name, end - start }' >> "$log"
