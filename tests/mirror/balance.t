#!/usr/bin/env bash
# mirror/balance: --balance over two ERSPAN sessions (two sensors): each
# flow reaches exactly one sensor with both of its directions, and both
# sensors get flows. --copy sends every frame to both.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }

F=24 # flows (UDP source ports 42000..42023), K frames each way per flow
K=3
mt_cap_start s0 "$NS" s0 || fail setup "tcpdump"
mt_mirror_start -i a0 --balance --to 'erspan2://198.51.100.9?session=1' \
	--to 'erspan2://198.51.100.10?session=2' || fail start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$K sports=42000-$((42000 + F - 1)) dport=7000 \
	sip=203.0.113.2 dip=203.0.113.1
# The replies: swapped addresses and ports, sent by A.
inject "$NA" a0 count=$K smac=02:00:00:00:00:01 dmac=02:00:00:00:00:02 \
	sip=203.0.113.1 dip=203.0.113.2 sport=7000 dports=42000-$((42000 + F - 1))
mt_cap_wait s0 $((2 * F * K))
sleep 0.3
mt_mirror_stop
mt_cap_stop s0
check_eq sent-once $((2 * F * K)) "$(sumval sent)"

# session, client port (the one that is not 7000), direction (1 = to 7000)
tsv "$T_TMP/s0.pcap" erspan.spanid udp.srcport udp.dstport |
	awk -F'\t' '{p = ($2 == 7000) ? $3 : $2; print $1, p, ($3 == 7000)}' >"$T_TMP/flows.txt"
check_eq frames $((2 * F * K)) "$(wc -l <"$T_TMP/flows.txt")"
# Every flow at exactly one session...
check_eq one-sensor-per-flow "$F" "$(awk '{print $1, $2}' "$T_TMP/flows.txt" | sort -u | awk '{print $2}' | sort | uniq -c | awk '$1 == 1' | wc -l)"
# ... with both directions there, K frames each.
check_eq both-directions "$((2 * F))" "$(sort "$T_TMP/flows.txt" | uniq -c | awk -v k=$K '$1 == k' | wc -l)"
s1=$(awk '$1 == 1' "$T_TMP/flows.txt" | wc -l)
s2=$(awk '$1 == 2' "$T_TMP/flows.txt" | wc -l)
check both-sensors-used test "$s1" -gt 0 -a "$s2" -gt 0
check_eq all-flows $((2 * F * K)) $((s1 + s2))

# --copy: every frame to both destinations; the VXLAN copies of one flow
# (both directions) share one outer source port, different flows mostly not.
mt_cap_start copy "$NS" s0 || fail setup "tcpdump"
mt_mirror_start -i a0 --copy --to 'erspan2://198.51.100.9?session=1' \
	--to 'vxlan://198.51.100.10?vni=77' || fail copy-start "$(cat "$T_TMP/mirror.err")"
inject "$NB" b0 count=$K sports=42000-$((42000 + F - 1)) dport=7000 \
	sip=203.0.113.2 dip=203.0.113.1
inject "$NA" a0 count=$K smac=02:00:00:00:00:01 dmac=02:00:00:00:00:02 \
	sip=203.0.113.1 dip=203.0.113.2 sport=7000 dports=42000-$((42000 + F - 1))
mt_cap_wait copy $((2 * 2 * F * K))
sleep 0.3
mt_mirror_stop
mt_cap_stop copy
check_eq copy-sent $((2 * 2 * F * K)) "$(sumval sent)"
tsv "$T_TMP/copy.pcap" erspan.spanid vxlan.vni udp.srcport udp.dstport >"$T_TMP/copy.tsv"
check_eq copy-erspan $((2 * F * K)) "$(countif "$T_TMP/copy.tsv" '$1 == 1')"
check_eq copy-vxlan $((2 * F * K)) "$(countif "$T_TMP/copy.tsv" '$2 == 77')"
# flow (client port) -> outer source port, from the VXLAN copies
awk -F'\t' '$2 == 77 {split($3, s, ","); split($4, d, ","); p = (s[2] == 7000) ? d[2] : s[2]; print p, s[1]}' \
	"$T_TMP/copy.tsv" | sort -u >"$T_TMP/sport.txt"
check_eq vxlan-one-port-per-flow "$F" "$(wc -l <"$T_TMP/sport.txt")"
ports=$(awk '{print $2}' "$T_TMP/sport.txt" | sort -u | wc -l)
check vxlan-ports-spread test "$ports" -ge $((F * 3 / 4))
done_testing
