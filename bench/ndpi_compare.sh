#!/usr/bin/env bash
# bench/ndpi_compare.sh - the protocol and inventory stage side by side with
# nDPI's own reader, over the OT corpus (run by `make bench` through
# bench/run.sh, or alone).
#
# Workload: every Ethernet capture of ../shared/corpus/ot, concatenated and
# repeated (each copy shifted in time so that flows do not overlap) up to
# NDPI_BENCH_PACKETS packets (default 500000), cached in bench/work/.
# Measured (CPU time user + sys, best of NDPI_BENCH_REPEAT runs, pinned to
# one core):
#   mirrorsense read --quiet FILE              the pipeline alone (baseline)
#   mirrorsense read --quiet --db DB FILE      + OT/L2 parsers, inventory, nDPI
#   ndpiReader -q -i FILE                      nDPI's reader (libndpi-bin)
# and printed as packets per second and ratios: mirrorsense with the
# inventory against ndpiReader (above 1 = faster), and what the inventory
# costs over the bare pipeline. The inventory file goes to a temporary
# directory and is removed.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${MS_BUILD:-$ROOT/build}
MS=${MS_BENCH_BIN:-$BUILD/mirrorsense}
CORPUS=${MS_CORPUS:-$ROOT/../shared/corpus}
WORK=$ROOT/bench/work
N=${NDPI_BENCH_PACKETS:-500000}
REPEAT=${NDPI_BENCH_REPEAT:-3}
CPU=${BENCH_CPU:-$(( $(nproc) - 1 ))}
export TZ=UTC LC_ALL=C

die() { echo "ndpi_compare: $*" >&2; exit 1; }
[ -x "$MS" ] || die "no $MS (run make build)"
command -v ndpiReader >/dev/null || die "ndpiReader missing (libndpi-bin, scripts/install-deps.sh)"
command -v mergecap >/dev/null || die "mergecap missing (wireshark-common)"
[ -x /usr/bin/time ] || die "/usr/bin/time missing"
mkdir -p "$WORK"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

W=$WORK/ot-corpus-$N.pcap
if [ ! -s "$W" ]; then
	eth=()
	for f in "$CORPUS"/ot/*.pcap*; do
		enc=$(capinfos -T -E "$f" 2>/dev/null) || continue  # unreadable (cut) files are left out
		[ "$(echo "$enc" | tail -1 | cut -f2)" = "ether" ] && eth+=("$f")
	done
	[ ${#eth[@]} -gt 0 ] || die "no Ethernet captures in $CORPUS/ot"
	mergecap -F pcap -a -w "$TMP/one.pcap" "${eth[@]}" || die "mergecap failed"
	per=$(capinfos -c -M "$TMP/one.pcap" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')
	copies=$(( (N + per - 1) / per ))
	parts=()
	for i in $(seq 0 $((copies - 1))); do
		editcap -F pcap -t $(( i * 864000 )) "$TMP/one.pcap" "$TMP/c$i.pcap" >/dev/null
		parts+=("$TMP/c$i.pcap")
	done
	mergecap -F pcap -a -w "$TMP/all.pcap" "${parts[@]}" && editcap -F pcap -r "$TMP/all.pcap" "$W" "1-$N" >/dev/null ||
		die "building the workload failed"
	rm -f "$TMP"/c*.pcap
fi
packets=$(capinfos -c -M "$W" | awk -F: '/Number of packets/ { gsub(/ /, "", $2); print $2 }')

# best CPU seconds of REPEAT runs of CMD...
best() {
	local b=""
	for _ in $(seq "$REPEAT"); do
		rm -f "$TMP"/inv.db*
		/usr/bin/time -f "%U %S" -o "$TMP/t" taskset -c "$CPU" "$@" >/dev/null 2>"$TMP/err" ||
			{ echo "ndpi_compare: failed: $* ($(tail -c 300 "$TMP/err"))" >&2; echo 0; return; }
		local s=$(awk '{ print $1 + $2 }' "$TMP/t")
		if [ -z "$b" ] || awk -v a="$s" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$s; fi
	done
	echo "$b"
}
pps() { awk -v n="$packets" -v s="$1" 'BEGIN { if (s > 0) printf "%.0f", n / s; else print "n/a" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", b / a; else print "n/a" }'; }

t_base=$(best "$MS" read --quiet "$W")
t_inv=$(best "$MS" read --quiet --db "$TMP/inv.db" "$W")
t_ndpi=$(best ndpiReader -q -i "$W")

echo "== OT corpus: mirrorsense inventory vs ndpiReader ($packets packets, best of $REPEAT, CPU $CPU)"
printf "  %-40s %10s s %12s pkt/s\n" "mirrorsense read (pipeline only)" "$t_base" "$(pps "$t_base")"
printf "  %-40s %10s s %12s pkt/s\n" "mirrorsense read --db (parsers, nDPI)" "$t_inv" "$(pps "$t_inv")"
printf "  %-40s %10s s %12s pkt/s\n" "ndpiReader -q -i" "$t_ndpi" "$(pps "$t_ndpi")"
echo "  ratio mirrorsense --db / ndpiReader (packets/s): $(ratio "$t_inv" "$t_ndpi")"
echo "  inventory cost over the bare pipeline: x$(ratio "$t_base" "$t_inv") CPU"
