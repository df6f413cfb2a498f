#!/usr/bin/env bash
# The sink's restart after a kill -9, with N campaigns on the broker (default 100): the bundled
# seed-format sample imported under N campaign ids, judged by a Streams application of its own,
# written by a sink (first start: every run rendered), the sink killed with SIGKILL and started
# again on the same runs/ directory. Prints, per start, the peak RSS (VmHWM) of the sink JVM at its
# default heap, how long it took to catch up with every run, and how many runs it rendered: a
# restart replays every record but renders only the runs whose records changed.
# Usage: bench/sink-restart.sh [N]   (starts the local stack if it is not running)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-100}
work=${TMPDIR:-/tmp}/shipgate-sink-restart
rm -rf "$work"; mkdir -p "$work/import" "$work/runs"
./shipgate stack up > "$work/stack.log" 2>&1
tag=sr$(date -u +%H%M%S)
for i in $(seq 1 "$n"); do
  d="$work/import/$tag-$i"
  cp -r samples/demo-campaign "$d"
  sed -i "s/\"campaign_id\": \"[^\"]*\"/\"campaign_id\": \"$tag-$i\"/" "$d/campaign-summary.json"
done
./shipgate import "$work/import" > "$work/import.log" 2>&1
./shipgate streams --application-id "shipgate-bench-$tag" > "$work/streams.log" 2>&1 &
streams=$!
sink=""
stop() {
  for pid in $streams $sink; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT

# one start of the sink: waits until every run is written and the sink has logged that it caught
# up with the result topics (it writes the dirty runs in the same poll), then 3 s more; prints its
# figures. The figures of the first start include Streams judging the imports.
log=.shipgate/logs/shipgate.log
start_sink() { # label
  local t0 pid hwm h done_runs rendered caught before marker="$work/marker-$1" elapsed=""
  touch "$marker"; sleep 1
  before=$(grep -c "artifact sink caught up" "$log" 2>/dev/null || true)
  t0=$(date +%s%N)
  ./shipgate sink --group-id "shipgate-bench-sink-$tag" --runs-dir "$work/runs" \
    > "$work/sink-$1.log" 2>&1 &
  pid=$!
  sink=$pid
  hwm=0
  for _ in $(seq 3000); do
    kill -0 "$pid" 2>/dev/null || { echo "sink died:"; tail -5 "$work/sink-$1.log"; exit 2; }
    h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${h:-0}" -gt "$hwm" ] && hwm=$h
    done_runs=$(find "$work/runs" -path "*/$tag-*/shipgate-verdict.json" 2>/dev/null | wc -l)
    caught=$(grep -c "artifact sink caught up" "$log" 2>/dev/null || true)
    if [ "$done_runs" -ge "$n" ] && [ "$caught" -gt "$before" ]; then
      elapsed=$((($(date +%s%N) - t0) / 1000000))
      break
    fi
    sleep 0.1
  done
  for _ in $(seq 30); do
    h=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${h:-0}" -gt "$hwm" ] && hwm=$h
    sleep 0.1
  done
  rendered=$(find "$work/runs" -name index.html -newer "$marker" -path "*/$tag-*" | wc -l)
  printf '%-8s runs %d  peak RSS %d MB  every run written and caught up after %s ms  runs rendered %d\n' \
    "$1" "$done_runs" $((hwm / 1024)) "${elapsed:-?}" "$rendered"
}
start_sink first
kill -9 "$sink"; wait "$sink" 2>/dev/null || true
start_sink restart
