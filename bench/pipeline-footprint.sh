#!/usr/bin/env bash
# Peak RSS of every part of the pipeline run as its own process, as a deployment would:
# the broker, the registry, `shipgate streams`, `shipgate sink` and the driver (`shipgate run`
# with the local etcd cluster's campaign.yaml: phases 1-4, 3 fault classes), sampled with
# `ps -o rss=` every 200 ms, plus the driver's wall time. Needs root (the cluster).
# Usage: bench/pipeline-footprint.sh [CYCLES]   (from anywhere; default 6 cycles x 170 writes per
# class, as the demo: about 1000 acknowledged writes, enough for a Wilson lower bound to pass)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cycles=${1:-6}
logs=${TMPDIR:-/tmp}/shipgate-pipeline-footprint
mkdir -p "$logs"
./shipgate stack up > "$logs/stack.log" 2>&1
./shipgate cluster up > "$logs/cluster.log" 2>&1
id=footprint-$(date -u +%Y%m%d-%H%M%S)
runs=$logs/runs

# the launcher execs java: $! is the JVM
./shipgate streams --application-id shipgate-footprint-streams > "$logs/streams.log" 2>&1 &
streams=$!
./shipgate sink --group-id shipgate-footprint-sink --runs-dir "$runs" > "$logs/sink.log" 2>&1 &
sink=$!
stop() {
  for pid in "$streams" "$sink"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  wait "$streams" "$sink" 2>/dev/null || true
}
trap stop EXIT
for _ in $(seq 600); do
  grep -q "streams running" "$logs/streams.log" && break
  kill -0 "$streams" 2>/dev/null || { cat "$logs/streams.log"; exit 2; }
  sleep 0.1
done

declare -A peak=([broker]=0 [registry]=0 [streams]=0 [sink]=0 [driver]=0)
sample() { # name pid
  local r
  r=$(ps -o rss= -p "$2" 2>/dev/null | tr -d ' ' || true)
  if [ -n "$r" ] && [ "$r" -gt "${peak[$1]}" ]; then peak[$1]=$r; fi
}
start=$(date +%s%N)
./shipgate run .shipgate/cluster/campaign.yaml --campaign-id "$id" --cycles "$cycles" --writes 170 \
  > "$logs/driver.log" 2>&1 &
driver=$!
while kill -0 "$driver" 2>/dev/null; do
  sample driver "$driver"
  sample streams "$streams"
  sample sink "$sink"
  sample broker "$(cat .shipgate/stack/kafka.pid)"
  sample registry "$(cat .shipgate/stack/registry.pid)"
  sleep 0.2
done
rc=0; wait "$driver" || rc=$?
end=$(date +%s%N)
# the sink writes the run once Streams has judged the last events
for _ in $(seq 300); do
  [ -f "$runs/$id/shipgate-verdict.json" ] && grep -q '"state": "FINISHED"' "$runs/$id/shipgate-verdict.json" && break
  sample streams "$streams"; sample sink "$sink"
  sleep 0.2
done

printf 'campaign              %s (%s cycles per class), driver exit code %d\n' "$id" "$cycles" "$rc"
awk -v ns=$((end - start)) 'BEGIN { printf "driver wall time      %.1f s\n", ns / 1e9 }'
for k in broker registry streams sink driver; do
  printf 'peak RSS %-12s %d MB\n' "$k" $((peak[$k] / 1024))
done
if [ -f "$runs/$id/shipgate-verdict.json" ]; then
  printf 'verdict               %s (%s)\n' \
    "$(sed -n 's/^  "verdict": "\([A-Z_]*\)".*/\1/p' "$runs/$id/shipgate-verdict.json" | head -1)" \
    "$runs/$id/index.html"
else
  echo "verdict               not written (see $logs/sink.log)"
fi
