#!/usr/bin/env bash
# mirror/direction: -i a0:rx copies only what a0 received, -i a0:tx only
# what it sent, both with the ERSPAN III direction bit to match; :both
# copies the two.
. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/mirror/netns.sh"
is_root || { skip setup "needs root for network namespaces"; done_testing; }
mt_setup || { fail setup "namespaces"; done_testing; }

N=15
# run DIR: mirror a0 in that direction, N frames each way, capture on s0.
run() {
	mt_cap_start "s0$1" "$NS" s0 || fail "$1-setup" "tcpdump"
	mt_mirror_start -i "a0:$1" --to 'erspan3://198.51.100.9?session=9' ||
		fail "$1-start" "$(cat "$T_TMP/mirror.err")"
	inject "$NB" b0 count=$N sip=203.0.113.2 dip=203.0.113.1 sport=41000 dport=41001
	inject "$NA" a0 count=$N smac=02:00:00:00:00:01 dmac=02:00:00:00:00:02 \
		sip=203.0.113.1 dip=203.0.113.2 sport=41001 dport=41000
	local want=$N
	[ "$1" == both ] && want=$((2 * N))
	mt_cap_wait "s0$1" $want
	sleep 0.3 # anything more (there must be nothing) has time to show up
	mt_mirror_stop
	mt_cap_stop "s0$1"
	tsv "$T_TMP/s0$1.pcap" erspan.direction ip.src >"$T_TMP/$1.tsv"
	check_eq "$1-captured" $want "$(sumval captured)"
}

run rx
check_eq rx-only-from-b $N "$(countif "$T_TMP/rx.tsv" '$1 == 0 && $2 == "198.51.100.1,203.0.113.2"')"
check_eq rx-total $N "$(wc -l <"$T_TMP/rx.tsv")"
run tx
check_eq tx-only-from-a $N "$(countif "$T_TMP/tx.tsv" '$1 == 1 && $2 == "198.51.100.1,203.0.113.1"')"
check_eq tx-total $N "$(wc -l <"$T_TMP/tx.tsv")"
run both
check_eq both-rx $N "$(countif "$T_TMP/both.tsv" '$1 == 0 && $2 == "198.51.100.1,203.0.113.2"')"
check_eq both-tx $N "$(countif "$T_TMP/both.tsv" '$1 == 1 && $2 == "198.51.100.1,203.0.113.1"')"
done_testing
