#!/usr/bin/env bash
# Wall time of sacipctl against a running agent: the median, minimum and maximum of N runs (default 10) of
# `status` and of `sessions`, in milliseconds, output discarded. Usage:
#   tools/cli-latency.sh SOCKET [RUNS] [SACIPCTL]
# SACIPCTL defaults to this checkout's bin/sacipctl (give /usr/bin/sacipctl for the installed one). One warm-up run
# of each command comes first and is not counted (it may write the class-data archive).
set -euo pipefail
socket=${1:?usage: tools/cli-latency.sh SOCKET [RUNS] [SACIPCTL]}
runs=${2:-10}
ctl=${3:-$(cd "$(dirname "$0")/.." && pwd)/bin/sacipctl}
for command in status sessions; do
  "$ctl" --control-socket "$socket" "$command" > /dev/null
  times=()
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$ctl" --control-socket "$socket" "$command" > /dev/null
    times+=($((($(date +%s%N) - start) / 1000000)))
  done
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  # Median of an even count: the mean of the two middle runs.
  median=$(((sorted[(runs - 1) / 2] + sorted[runs / 2]) / 2))
  echo "$command: median ${median} ms, min ${sorted[0]} ms, max ${sorted[runs - 1]} ms ($runs runs: ${times[*]})"
done
