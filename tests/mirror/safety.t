#!/usr/bin/env bash
# mirror/safety: what keeps the mirror safe on a plant network.
#  - rate limits in packets/s and bits/s: the excess is dropped and counted,
#    never queued; what is sent stays within the bucket;
#  - self-exclusion: the mirror's own copies are never captured again (a
#    span port wired back into a mirrored interface does not loop), nor is
#    traffic towards its destinations;
#  - VLAN filter, the original VLAN and COS in the ERSPAN header, and
#    truncation with the ERSPAN T bit.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }
B="sip=203.0.113.2 dip=203.0.113.1"

# ---- packets/s: 1000 frames as fast as they come, 50/s allowed ----
mt_cap_start pps "$NS" s0
mt_mirror_start -i a0:rx --pps 50 --to 'erspan2://198.51.100.9?session=1' || fail pps-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=1000 $B
mt_wait_captured 1000
mt_mirror_stop
sleep 0.3
mt_cap_stop pps
cap=$(sumval captured); sent=$(sumval sent); dropped=$(sumval ratelimit_dropped)
secs=$(sed -n 's/^mirror: \([0-9.]*\)s .*/\1/p' "$T_TMP/mirror.out")
check_eq pps-captured 1000 "$cap"
check pps-dropped test "$dropped" -gt 0
check_eq pps-accounted "$cap" $((sent + dropped))
check pps-within-limit awk -v s="$sent" -v t="$secs" 'BEGIN { exit !(s <= 8 + 50 * t + 1) }'
check_eq pps-at-sensor "$sent" "$(pcap_count "$T_TMP/pps.pcap")"

check_contains pps-status-line "$T_TMP/mirror.err" "^mirror: [0-9]+s captured=[0-9]+ sent=[0-9]+ ratelimit_dropped=[1-9][0-9]* kernel_dropped=0 send_errors=0$"

# ---- two interfaces, a -f filter, stopped by SIGTERM ----
mt_veth "$NA" c0 "$NB" d0
mt_mirror_start -i a0:rx -i c0:rx -f 'udp dst port 5000' --hw-timestamps \
	--to 'erspan2://198.51.100.9?session=1' || fail filter-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=10 dport=5000 $B
inject "$NB" b0 count=10 dport=6000 $B
inject "$NB" d0 count=7 dport=5000 $B
mt_wait_captured 17
kill -TERM "$MIRROR_PID"
wait "$MIRROR_PID"
check_eq term-exit 0 $?
check_eq filter-captured 17 "$(sumval captured)"
check_eq filter-a0 10 "$(sumval captured '^interface a0 dir=rx')"
check_eq filter-c0 7 "$(sumval captured '^interface c0 dir=rx')"
check_eq filter-sent 17 "$(sumval sent '^destination erspan2')"
check_contains hwts-note "$T_TMP/mirror.err" "a0: (no hardware timestamps .*using the kernel's|hardware timestamps on)"

# ---- bits/s: 300 frames of ~1 kB, 200 kbit/s allowed ----
mt_mirror_start -i a0:rx --bps 200k --to 'erspan2://198.51.100.9?session=1' || fail bps-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=300 size=1000 $B
mt_wait_captured 300
mt_mirror_stop
sent=$(sumval sent); dropped=$(sumval ratelimit_dropped)
bytes=$(sumval bytes "^destination")
secs=$(sed -n 's/^mirror: \([0-9.]*\)s .*/\1/p' "$T_TMP/mirror.out")
check bps-dropped test "$dropped" -gt 0
check_eq bps-accounted 300 $((sent + dropped))
check bps-within-limit awk -v b="$bytes" -v t="$secs" 'BEGIN { exit !(b * 8 <= 73728 + 200000 * t + 8400) }'

# ---- its own copies: span out of x0, whose peer x1 is mirrored too ----
mt_veth "$NA" x0 "$NA" x1
mt_cap_start x1 "$NA" x1
mt_mirror_start -i a0 -i x1 --pps 20000 --duration 20 --to span:x0 || fail self-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=20 $B
mt_cap_wait x1 20
sleep 0.5 # a loop would have gone round thousands of times by now
mt_mirror_stop
mt_cap_stop x1
check_eq self-captured 20 "$(sumval captured)"
check_eq self-sent 20 "$(sumval sent)"
check_eq self-x1-nothing 0 "$(sumval captured '^interface x1')"
check_eq self-copies-arrived 20 "$(pcap_count "$T_TMP/x1.pcap")"

# ---- its own copies leaving by the mirrored interface itself ----
# (--allow-mirrored-path: ERSPAN to B over a0, mirrored both ways: the
# copies cross a0 as tx, and B answers them with ICMP protocol unreachable
# as rx; neither may be captured, or each copy would make another)
mt_cap_start path "$NB" b0
mt_mirror_start -i a0 --allow-mirrored-path --pps 20000 --duration 20 \
	--to 'erspan2://203.0.113.2?session=4' || fail path-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=10 $B
mt_cap_wait path 20 # + B's ICMP errors, rate-limited by B: not waited for
sleep 0.5
mt_mirror_stop
mt_cap_stop path
check_eq path-captured 10 "$(sumval captured)"
check_eq path-sent 10 "$(sumval sent)"
check_eq path-copies-on-link 10 "$(pcap_count "$T_TMP/path.pcap" 'erspan.spanid == 4 && !icmp')"
check path-icmp-answered test "$(pcap_count "$T_TMP/path.pcap" 'icmp.type == 3')" -gt 0
check_contains path-note "$T_TMP/mirror.err" "note: --to erspan2://203.0.113.2.* leaves by a0"

# ---- traffic towards its destinations is not mirrored ----
mt_mirror_start -i a0 --to 'vxlan://198.51.100.9?vni=5' --to 'gre://198.51.100.10' || fail dest-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=10 sip=203.0.113.2 dip=198.51.100.9 dport=4789
inject "$NB" b0 count=10 sip=203.0.113.2 dip=198.51.100.9 dport=5555
inject "$NB" b0 count=10 sip=203.0.113.2 dip=198.51.100.10 dport=4789
mt_wait_captured 20
sleep 0.3
mt_mirror_stop
check_eq dest-excluded 20 "$(sumval captured)"

# ---- VLAN filter, VLAN and COS in ERSPAN II ----
mt_cap_start vlan "$NS" s0
mt_mirror_start -i a0 --vlan 10,0 --to 'erspan2://198.51.100.9?session=2' || fail vlan-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=10 vlan=10 pcp=5 $B
inject "$NB" b0 count=10 vlan=20 pcp=1 $B
inject "$NB" b0 count=10 $B
mt_cap_wait vlan 20
sleep 0.3
mt_mirror_stop
mt_cap_stop vlan
check_eq vlan-skipped 10 "$(sumval vlan_skipped)"
check_eq vlan-sent 20 "$(sumval sent)"
tsv "$T_TMP/vlan.pcap" erspan.vlan erspan.cos erspan.encap vlan.id >"$T_TMP/vlan.tsv"
check_eq vlan-10-cos-5 10 "$(countif "$T_TMP/vlan.tsv" '$1 == 10 && $2 == 5 && $3 == 3 && $4 == 10')"
check_eq vlan-untagged 10 "$(countif "$T_TMP/vlan.tsv" '$1 == 0 && $3 == 0 && $4 == ""')"
check_eq vlan-total 20 "$(wc -l <"$T_TMP/vlan.tsv")"

# ---- truncation: --snap 64 sets the T bit ----
mt_cap_start snap "$NS" s0
mt_mirror_start -i a0 --snap 64 --to 'erspan2://198.51.100.9?session=3' \
	--to 'erspan3://198.51.100.9?session=3' || fail snap-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=10 size=200 $B
inject "$NB" b0 count=5 size=10 $B
mt_cap_wait snap 30
sleep 0.3
mt_mirror_stop
mt_cap_stop snap
check_eq snap-truncated 10 "$(sumval truncated)"
tsv "$T_TMP/snap.pcap" erspan.version erspan.truncated frame.len >"$T_TMP/snap.tsv"
check_eq snap-erspan2-t 10 "$(countif "$T_TMP/snap.tsv" '$1 == 1 && $2 == 1 && $3 == 14 + 20 + 8 + 8 + 64')"
check_eq snap-erspan3-t 10 "$(countif "$T_TMP/snap.tsv" '$1 == 2 && $2 == 1 && $3 == 14 + 20 + 8 + 12 + 64')"
check_eq snap-short-not-t 10 "$(countif "$T_TMP/snap.tsv" '$2 == 0 && ($3 == 14 + 20 + 8 + 8 + 52 || $3 == 14 + 20 + 8 + 12 + 52)')"
done_testing
