#!/usr/bin/env bash
# live/replay: real mirror captures from the corpus (ERSPAN I/II/III, VXLAN,
# Geneve, 802.1Q) concatenated into one file and replayed with tcpreplay
# onto a veth the sensor captures. The live summary must equal `read` of
# the same file: packets, bytes, frames, encapsulations, VLANs, and every
# session with its packets and sequence accounting. Deduplication is off in
# both runs (tcpreplay --topspeed squeezes the capture's time gaps).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
lv_require replay

FILES="mirror/zeek_erspanII.pcap mirror/tcpdump_erspan-type-ii-2.pcap
mirror/tcpdump_erspan-type-iii-ft-0.pcap mirror/sv_decode-erspan-typeI-02_input.pcap
mirror/zeek_vxlan.pcap mirror/zeek_geneve.pcap mirror/zeek_http-vlan-0.pcap
mirror/zeek_icmp_dot1q.pcap"
R=$T_TMP
paths=()
for f in $FILES; do paths+=("$CORPUS/$f"); done
if ! mergecap -a -F pcap -w "$R/all.pcap" "${paths[@]}" 2>"$R/merge.err"; then
	fail setup "mergecap: $(head -c 200 "$R/merge.err")"
	exit 0
fi
lv_ns r; NS=$LV_NS
lv_veth "$NS" va "$NS" vb || { fail setup "veth"; exit 0; }

"$MS_BIN_RELEASE" read --json --no-dedup "$R/all.pcap" >"$R/read.json" 2>"$R/read.err" ||
	fail read "read failed: $(head -c 200 "$R/read.err")"
if lv_start "$NS" "$R/live" "$MS_BIN_RELEASE" -i vb --json --no-dedup; then
	ip netns exec "$NS" tcpreplay -q -t -i va "$R/all.pcap" >"$R/replay.out" 2>&1 ||
		fail replay "tcpreplay: $(tail -c 200 "$R/replay.out")"
	sleep 1.5
	lv_stop INT
	check_eq live_exit 0 "$LV_RC"
	# The comparable part of a summary: no times, no input names.
	view() {
		jq -S '{packets: .totals.packets, bytes: .totals.bytes, frames: .totals.frames,
			seq_lost: .totals.seq_lost, truncated: .totals.truncated,
			encapsulations: .encapsulations, vlans: .vlans, events: .events,
			sessions: ([.sessions[] | {transport, source_address, id, packets, bytes,
				seq_packets, seq_lost, seq_gap_events, seq_reordered, seq_repeated,
				seq_restarts, truncated, dir_ingress, dir_egress}]
				| sort_by(.transport, .source_address, (.id | tostring)))}' "$1"
	}
	view "$R/read.json" >"$R/read.view" 2>&1
	view "$R/live.out" >"$R/live.view" 2>&1
	n=$(jqv "$R/read.json" .totals.packets)
	check_eq read_saw_all "$(lv_pcap_count "$R/all.pcap")" "$n"
	check_eq live_packets "$n" "$(jqv "$R/live.out" .totals.packets)"
	if [ -s "$R/read.view" ] && cmp -s "$R/read.view" "$R/live.view"; then
		pass live_equals_read
	else
		fail live_equals_read "$(diff "$R/read.view" "$R/live.view" | head -20 | tr '\n' ' ')"
	fi
	check_eq sessions_present 6 "$(jq '[.sessions[] | .transport] | unique | length' "$R/live.out")"
	check_eq no_kernel_drops 0 "$(jqv "$R/live.out" .totals.kernel_drops)"
else
	fail live_start "sensor did not start: $(tail -c 300 "$R/live.err")"
fi
done_testing
