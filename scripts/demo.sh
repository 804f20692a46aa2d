#!/usr/bin/env bash
# make demo: read a bundled real ERSPAN II capture, verify the mirror, and
# show the devices it reveals.
set -uo pipefail
cd "$(dirname "$0")/.."
MS=build/mirrorsense
CAP=demo/erspan2-switch-mirror.pcap
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== mirrorsense read $CAP -w clean.pcap"
$MS read "$CAP" -w "$OUT/clean.pcap" --db "$OUT/inventory.db" || exit $?
echo
echo "== mirrorsense verify $CAP"
$MS verify "$CAP"
rc=$?
echo "(verify exit status $rc: 0 = all pass, 1 = warnings, 2 = failures)"
echo
echo "== mirrorsense inventory --db inventory.db"
$MS inventory --db "$OUT/inventory.db"
echo
echo "== the clean frames, as tcpdump reads them"
tcpdump -nr "$OUT/clean.pcap" 2>/dev/null | grep -v "^[[:space:]]" | head -10
exit 0
