#!/usr/bin/env bash
# Calls a running agent's POST /invocations with each Content-Type x Accept pair and prints a Markdown table
# of the status, the response Content-Type and the start of the body.
# Usage: ./probe.sh [base-url] [accept values...]   (default http://127.0.0.1:8080 and the six Accept values)
set -euo pipefail
base="${1:-http://127.0.0.1:8080}"
shift || true
session="probe-session-000000000000000000000000000001"
content_types=("" "application/json" "application/octet-stream" "text/plain")
if [ $# -gt 0 ]; then
  accepts=("$@")
else
  accepts=("" "*/*" "application/json" "text/event-stream" "application/json, text/event-stream" "text/event-stream, application/json")
fi
show() { [ -n "$1" ] && printf '`%s`' "$1" || printf '(none)'; }

echo "| Content-Type | Accept | status | response Content-Type | body |"
echo "|---|---|---|---|---|"
for ct in "${content_types[@]}"; do
  for accept in "${accepts[@]}"; do
    headers=$(mktemp); body=$(mktemp)
    status=$(curl -s -o "$body" -D "$headers" -w '%{http_code}' --max-time 10 -X POST "$base/invocations" \
      -H "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id: $session" \
      -H "Content-Type: $ct" -H "Accept: $accept" --data-binary '{"prompt":"hi"}')
    type=$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$headers" | tr -d '\r' | tail -1)
    text=$(tr '\n' ' ' < "$body" | cut -c1-90 | sed 's/|/\\|/g')
    echo "| $(show "$ct") | $(show "$accept") | $status | $(show "$type") | \`$text\` |"
    rm -f "$headers" "$body"
  done
done
