#!/usr/bin/env bash
# What one more hop inside the Streams application adds to a live verdict under exactly once:
# bench/HopLatency.java, the shape planned for per-cycle tasks (docs/cycle-tasks.md), against a
# verdict given without the hop, interleaved in the same run, on the local stack's broker.
# Usage: bench/hop-latency.sh [CAMPAIGNS] [RUNS] [THREADS]   (defaults 400, 3, 1; starts the stack)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
campaigns=${1:-400}
runs=${2:-3}
threads=${3:-1}
work=${TMPDIR:-/tmp}/shipgate-hop-latency
rm -rf "$work"; mkdir -p "$work/classes"
./shipgate stack up > "$work/stack.log" 2>&1 || { echo "hop-latency: stack up failed, see $work/stack.log" >&2; exit 1; }
mvn -B -q -o dependency:build-classpath -pl streams -Dmdep.outputFile="$work/cp.txt" > "$work/mvn.log" 2>&1 \
  || { echo "hop-latency: no class path from Maven, see $work/mvn.log" >&2; exit 1; }
cp=$(cat "$work/cp.txt")
javac -nowarn -d "$work/classes" -cp "$cp" bench/HopLatency.java
for r in $(seq 1 "$runs"); do
  echo "run $r:"
  java -cp "$work/classes:$cp" -Dslf4j.internal.verbosity=ERROR -Djava.io.tmpdir="$work" \
    HopLatency 127.0.0.1:19092 "$campaigns" "$threads" | sed 's/^/  /'
done
