#!/usr/bin/env bash
# Submits a simulated command stream (sorted by "at", as `redline simulate` writes it) one
# day at a time and ticks the deadline rules at the end of each day, as a bureau's daily
# scheduler would: `tools/run_month.sh REDLINE DATA_DIR COMMANDS.jsonl`.
# Prints one line per day; exits non-zero if any command is rejected.
set -euo pipefail
redline=$1
data=$2
commands=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One file per day of the commands' business time.
awk -v dir="$work" '
  match($0, /"at":"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/) {
    day = substr($0, RSTART + 6, 10)
    print > (dir "/" day ".jsonl")
  }' "$commands"

total=0
rejected=0
alerts_before=0
for file in $(ls "$work"/*.jsonl | sort); do
  day=$(basename "$file" .jsonl)
  set +e
  "$redline" --data "$data" submit "$file" > "$work/results"
  status=$?
  set -e
  if [ "$status" -gt 1 ]; then echo "submit failed on $day (exit $status)" >&2; exit "$status"; fi
  day_total=$(wc -l < "$file")
  day_rejected=$(grep -c '"ok":false' "$work/results" || true)
  if [ "$day_rejected" -gt 0 ]; then grep '"ok":false' "$work/results" | head -5 >&2; fi
  next=$(date -u -d "$day + 1 day" +%F)
  "$redline" --data "$data" tick --now "${next}T00:00:00Z" --format jsonl > "$work/ticked"
  alerts=$("$redline" --data "$data" alerts --format jsonl | wc -l)
  echo "$day: $day_total commands ($day_rejected rejected), tick to ${next}T00:00:00Z: $(wc -l < "$work/ticked") rule events, $((alerts - alerts_before)) new alerts"
  alerts_before=$alerts
  total=$((total + day_total))
  rejected=$((rejected + day_rejected))
done
echo "submitted $total commands over the month: $((total - rejected)) accepted, $rejected rejected"
[ "$rejected" -eq 0 ]
