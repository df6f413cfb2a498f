#!/usr/bin/env bash
# Start to RUNNING of `shipgate streams`: a new JVM on a fresh application id and state directory
# against the running local stack, from spawn to its "streams running as" line, then stopped by PID.
# With a BASELINE checkout (another commit, built: run its ./shipgate --help once), the two start
# in turn, this checkout first, and each pair gives a ratio (this / baseline): pairing keeps the
# ratio meaningful while a shared machine's speed drifts. Prints every start, then min / median /
# max of each side and of the pair ratios.
# Usage: bench/streams-start.sh [N] [BASELINE]   (N starts of each, default 8; starts the stack)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
here=$PWD
n=${1:-8}
base=${2:-}
if [ -n "$base" ]; then
  base=$(cd "$base" && pwd)
  [ -x "$base/shipgate" ] || { echo "streams-start: no shipgate launcher in $base" >&2; exit 2; }
fi
work=${TMPDIR:-/tmp}/shipgate-streams-start
rm -rf "$work"; mkdir -p "$work"
./shipgate stack up > "$work/stack.log" 2>&1 || { echo "streams-start: stack up failed, see $work/stack.log" >&2; exit 1; }
# a build (sources changed) or a stale class archive must not be timed
./shipgate --help > /dev/null 2>&1
[ -z "$base" ] || "$base/shipgate" --help > /dev/null 2>&1

pid=""
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true' EXIT

# one_start TREE: prints the ms from spawn to RUNNING
one_start() {
  local tree=$1 id=start-$$-$RANDOM out
  out="$work/$id.log"
  local t0; t0=$(date +%s%N)
  "$tree/shipgate" streams --application-id "$id" --state-dir "$work/$id-state" --http off \
    > "$out" 2>&1 &
  pid=$!
  local ms=""
  for _ in $(seq 1 3000); do
    if grep -q "streams running as" "$out"; then
      ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
  if [ -z "$ms" ]; then
    echo "streams-start: $tree did not reach RUNNING in 60 s, see $out" >&2
    exit 1
  fi
  rm -rf "$work/$id-state" "$out"
  echo "$ms"
}

# stats: min / median / max of the numbers on stdin
stats() {
  sort -g | awk '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%s / %s / %s\n", v[1], m, v[NR] }'
}

# one warm-up start each, not counted (the page cache, the broker's first fetches)
one_start "$here" > /dev/null
[ -z "$base" ] || one_start "$base" > /dev/null
: > "$work/a"; : > "$work/b"; : > "$work/r"
for i in $(seq 1 "$n"); do
  a=$(one_start "$here")
  echo "$a" >> "$work/a"
  if [ -n "$base" ]; then
    b=$(one_start "$base")
    echo "$b" >> "$work/b"
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f\n", a / b }' >> "$work/r"
    echo "start $i: $a ms, baseline $b ms"
  else
    echo "start $i: $a ms"
  fi
done
echo "start to RUNNING ms, min / median / max of $n: $(stats < "$work/a") ($(git rev-parse --short HEAD))"
if [ -n "$base" ]; then
  echo "baseline ($(git -C "$base" rev-parse --short HEAD)): $(stats < "$work/b")"
  echo "pair ratios this / baseline: $(awk '{ printf "%.2f\n", $1 }' "$work/r" | stats)"
fi
