#!/usr/bin/env bash
# mirror/gaps: the receiving side counts exactly the copies lost between
# mirror and sensor. A classic BPF program on m0's egress (tc clsact,
# direct action) drops the ERSPAN II copies with GRE sequence numbers 10,
# 20, 21 and 30 (3 gaps, 4 lost); the ERSPAN III session beside it loses
# nothing. Then, without the dropper, 2 x 5000 copies as fast as the
# generator sends: no gap. Checked with `mirrorsense read` on a tcpdump
# capture and with `mirrorsense live` capturing on the sensor's interface.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }

# ldh [12]; jeq 0x800; ldb [23]; jeq 47; ldh [36]; jeq 0x88be; ld [38];
# jeq 10/20/21/30 -> drop; ret 0 (TC_ACT_OK) / ret 2 (TC_ACT_SHOT).
# Offsets: Ethernet 14 + IPv4 20 (the kernel adds no options) = GRE at 34.
PROG='13,40 0 0 12,21 0 9 2048,48 0 0 23,21 0 7 47,40 0 0 36,21 0 5 35006,32 0 0 38,21 4 0 10,21 3 0 20,21 2 0 21,21 1 0 30,6 0 0 0,6 0 0 2'
tc -n "$NA" qdisc add dev m0 clsact && tc -n "$NA" filter add dev m0 egress bpf da bytecode "$PROG" ||
	fail setup "tc bpf filter"

N=100
mt_cap_start s0 "$NS" s0 || fail setup "tcpdump"
ip netns exec "$NS" "$MS" live -i s0 --json --status-interval 3600 >"$T_TMP/live.json" 2>"$T_TMP/live.err" &
LIVE=$!
MT_PIDS+=("$LIVE")
wait_for "$T_TMP/live.err" "capturing on" 20 || fail setup "live sensor did not start"
mt_mirror_start -i a0 --to 'erspan2://198.51.100.9?session=3' \
	--to 'erspan3://198.51.100.9?session=4' || fail start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$N gap_ms=1 sip=203.0.113.2 dip=203.0.113.1
mt_cap_wait s0 $((2 * N - 4))
sleep 0.5
mt_mirror_stop
check_eq mirror-sent $((2 * N)) "$(sumval sent)"

# Then, without the dropper, M frames as fast as the generator goes (some
# tens of thousands per second) on sessions 13 and 14: no gap at all.
M=5000
tc -n "$NA" qdisc del dev m0 clsact
mt_mirror_start -i a0 --to 'erspan2://198.51.100.9?session=13' \
	--to 'erspan3://198.51.100.9?session=14' || fail start2 "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$M sip=203.0.113.2 dip=203.0.113.1
mt_cap_wait s0 $((2 * N - 4 + 2 * M))
sleep 0.5
mt_mirror_stop
check_eq fast-sent $((2 * M)) "$(sumval sent)"
check_eq fast-kernel-drops 0 "$(sumval kernel_dropped)"
mt_cap_stop s0
kill -INT $LIVE; wait $LIVE; LIVE_RC=$?

check_eq wire-erspan2 $((N - 4)) "$(pcap_count "$T_TMP/s0.pcap" 'erspan.version == 1 && erspan.spanid == 3')"

# gaps FILE TRANSPORT FIELD [IDS]: the sum of FIELD over that transport's
# sessions (those with the IDs in the jq array IDS, default [3, 4]).
gaps() { jq "[.sessions[] | select(.transport == \"$2\" and (.id | IN(${4:-3, 4}))) | .$3] | add" "$1"; }
# fast FILE: "packets lost gap-events" of the fast sessions 13 and 14.
fast() { jq -r '[.sessions[] | select(.id == 13 or .id == 14)] | "\(map(.packets) | add) \(map(.seq_lost) | add) \(map(.seq_gap_events) | add)"' "$1"; }
if "$MS" read --json "$T_TMP/s0.pcap" >"$T_TMP/read.json" 2>"$T_TMP/read.err"; then
	check_eq read-erspan2-lost 4 "$(gaps "$T_TMP/read.json" erspan2 seq_lost)"
	check_eq read-erspan2-gaps 3 "$(gaps "$T_TMP/read.json" erspan2 seq_gap_events)"
	check_eq read-erspan2-packets $((N - 4)) "$(gaps "$T_TMP/read.json" erspan2 packets)"
	check_eq read-erspan3-lost 0 "$(gaps "$T_TMP/read.json" erspan3 seq_lost)"
	check_eq read-erspan3-packets $N "$(gaps "$T_TMP/read.json" erspan3 packets)"
	check_eq read-fast-no-gap "$((2 * M)) 0 0" "$(fast "$T_TMP/read.json")"
else
	fail read "mirrorsense read: $(head -c 300 "$T_TMP/read.err")"
fi
check_eq live-exit 0 "$LIVE_RC"
if jq -e . "$T_TMP/live.json" >/dev/null 2>&1; then
	check_eq live-erspan2-lost 4 "$(gaps "$T_TMP/live.json" erspan2 seq_lost)"
	check_eq live-erspan2-gaps 3 "$(gaps "$T_TMP/live.json" erspan2 seq_gap_events)"
	check_eq live-erspan3-lost 0 "$(gaps "$T_TMP/live.json" erspan3 seq_lost)"
	check_eq live-erspan3-packets $N "$(gaps "$T_TMP/live.json" erspan3 packets)"
	check_eq live-fast-no-gap "$((2 * M)) 0 0" "$(fast "$T_TMP/live.json")"
else
	fail live "no JSON from mirrorsense live: $(head -c 300 "$T_TMP/live.err")"
fi
done_testing
