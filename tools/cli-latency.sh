#!/usr/bin/env bash
# Wall time of sacipctl against a running agent: the median, minimum and maximum of N runs (default 10) of `status`
# and of `sessions`, in milliseconds, output discarded; and the median CPU time (user + system) of those runs, which
# other load on the machine changes much less than the wall time. Usage:
#   tools/cli-latency.sh SOCKET [RUNS] [SACIPCTL]
# SACIPCTL defaults to this checkout's bin/sacipctl (give /usr/bin/sacipctl for the installed one). One run of each
# command comes first and is not counted (the first run of a new build writes the class-data archive).
set -euo pipefail
socket=${1:?usage: tools/cli-latency.sh SOCKET [RUNS] [SACIPCTL]}
runs=${2:-10}
ctl=${3:-$(cd "$(dirname "$0")/.." && pwd)/bin/sacipctl}
median() { # the median of the numbers given, one a line; of an even count, the mean of the two middle ones
  local sorted
  mapfile -t sorted < <(sort -n)
  echo $(((sorted[(${#sorted[@]} - 1) / 2] + sorted[${#sorted[@]} / 2]) / 2))
}
for command in status sessions; do
  "$ctl" --control-socket "$socket" "$command" > /dev/null
  walls=()
  cpus=()
  for ((i = 0; i < runs; i++)); do
    # %e wall, %U user, %S system seconds; the command's own output is discarded.
    read -r wall user system < <(/usr/bin/time -f '%e %U %S' "$ctl" --control-socket "$socket" "$command" 2>&1 \
      > /dev/null | tail -1)
    walls+=("$(awk -v s="$wall" 'BEGIN { printf "%d", s * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
  echo "$command: wall median $(printf '%s\n' "${walls[@]}" | median) ms (min ${sorted[0]}, max ${sorted[runs - 1]}:" \
    "${walls[*]}), cpu median $(printf '%s\n' "${cpus[@]}" | median) ms"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
