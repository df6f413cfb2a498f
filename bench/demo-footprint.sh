#!/usr/bin/env bash
# Measures the demo: wall time, and peak RSS of the broker, the registry and the demo JVM (which
# runs the Streams application and the sink in-process), sampled with `ps -o rss=` every 200 ms.
# Usage: bench/demo-footprint.sh   (from the repository root; the stack may be up or down)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./shipgate stack status >/dev/null 2>&1 || true
start=$(date +%s%N)
./shipgate demo > "${TMPDIR:-/tmp}/shipgate-demo-footprint.log" 2>&1 &
demo=$!
peak_broker=0; peak_registry=0; peak_demo=0
rss() { ps -o rss= -p "$1" 2>/dev/null | tr -d ' ' || true; }
while kill -0 "$demo" 2>/dev/null; do
  # the demo's JVM is the child java of the launcher script (exec replaces it: same pid)
  r=$(rss "$demo"); [ -n "$r" ] && [ "$r" -gt "$peak_demo" ] && peak_demo=$r
  for svc in kafka registry; do
    f=.shipgate/stack/$svc.pid
    [ -f "$f" ] || continue
    r=$(rss "$(cat "$f")"); [ -n "$r" ] || continue
    if [ "$svc" = kafka ]; then [ "$r" -gt "$peak_broker" ] && peak_broker=$r; else [ "$r" -gt "$peak_registry" ] && peak_registry=$r; fi
  done
  sleep 0.2
done
rc=0; wait "$demo" || rc=$?
end=$(date +%s%N)
grep -E "stack (up|already)|ready in|streams:|sink:|VERDICT|demo finished" "${TMPDIR:-/tmp}/shipgate-demo-footprint.log" || true
printf 'demo exit code        %d\n' "$rc"
awk -v ns=$((end - start)) 'BEGIN { printf "demo wall time        %.1f s\n", ns / 1e9 }'
printf 'peak RSS broker       %d MB\n' $((peak_broker / 1024))
printf 'peak RSS registry     %d MB\n' $((peak_registry / 1024))
printf 'peak RSS streams+sink %d MB (the demo JVM)\n' $((peak_demo / 1024))
