#!/bin/bash
# The compose stack's one-shot driver: a short real campaign against the etcd nodes, then the final
# verdict (printed; the exit code is the verdict's), then waits for the sink's run page in /runs.
set -uo pipefail
id="${CAMPAIGN_ID:-compose-$(date -u +%Y%m%d-%H%M%S)}"
echo "driver: campaign $id against node-a, node-b, node-c"
shipgate run --campaign-id "$id" /compose/campaign.yaml
run_code=$?
shipgate verdict --wait --timeout 300 --query-url "${SHIPGATE_QUERY_URL:-off}" "$id"
code=$?
page="/runs/$id/index.html"
for _ in $(seq 1 120); do
  if [ -f "/runs/$id/shipgate-verdict.json" ] \
      && ! grep -m1 '"verdict"' "/runs/$id/shipgate-verdict.json" | grep -q PENDING \
      && [ -f "$page" ]; then
    echo "driver: run page runs/$id/index.html (all runs: runs/index.html)"
    [ "$run_code" -ne 0 ] && [ "$code" -eq 0 ] && code=$run_code
    exit "$code"
  fi
  sleep 1
done
echo "driver: the sink wrote no final run page for $id within 120 s" >&2
exit 2
