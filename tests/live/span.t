#!/usr/bin/env bash
# live/span: a local SPAN made with tc. Two namespaces ping each other over
# a veth pair; tc mirred copies both directions of h2's ICMP to a veth whose
# peer the sensor captures. Checks: exact packet counts, both directions of
# the flow, no kernel drops, no duplicates; SIGINT mid-run prints the
# summary and leaves a -w file tshark reads; --duration ends the run; the
# status line shows on stderr; two interfaces captured together (a TAP
# with one port per direction) give one flow with both directions.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
lv_require span

lv_ns a; A=$LV_NS
lv_ns b; B=$LV_NS
lv_ns s; S=$LV_NS
lv_veth "$A" h1 "$B" h2 || { fail setup "veth h1-h2"; exit 0; }
lv_veth "$B" m0 "$S" m1 || { fail setup "veth m0-m1"; exit 0; }
lv_veth "$B" n0 "$S" n1 || { fail setup "veth n0-n1"; exit 0; }
ip -n "$A" addr add 198.51.100.1/24 dev h1
ip -n "$B" addr add 198.51.100.2/24 dev h2
# Mirror only ICMP (protocol 1) so that ARP does not change the counts.
ip netns exec "$B" tc qdisc add dev h2 clsact
for d in ingress egress; do
	ip netns exec "$B" tc filter add dev h2 "$d" protocol ip u32 match ip protocol 1 0xff \
		action mirred egress mirror dev m0 || fail setup "tc $d mirror"
done
R=$T_TMP
PINGS=5

# 1. SPAN capture, stopped with SIGINT, JSON summary and -w file (ASan build).
if lv_start "$S" "$R/span" "$MS" -i m1 --json -w "$R/span.pcap" --status-interval 1; then
	ip netns exec "$A" ping -q -c "$PINGS" -i 0.3 -W 2 198.51.100.2 >/dev/null 2>&1 ||
		fail ping "no answer from 198.51.100.2"
	sleep 1.5
	lv_stop INT
	check_eq sigint_exit 0 "$LV_RC"
	J=$R/span.out
	if jq -e . "$J" >/dev/null 2>&1; then
		pass summary_json
		check_eq stopped_early true "$(jqv "$J" .stopped_early)"
		check_eq packets $((2 * PINGS)) "$(jqv "$J" .totals.packets)"
		check_eq input_packets $((2 * PINGS)) "$(jqv "$J" '.inputs[0].packets')"
		check_eq input_is_live true "$(jqv "$J" '.inputs[0].live')"
		check_eq plain_frames $((2 * PINGS)) "$(jqv "$J" .encapsulations.plain)"
		check_eq no_duplicates 0 "$(jqv "$J" .totals.duplicates)"
		check_eq no_kernel_drops 0 "$(jqv "$J" .totals.kernel_drops)"
		check_eq both_directions "$PINGS/$PINGS" \
			"$(jqv "$J" '.flows.top[0] | "\(.packets_fwd)/\(.packets_rev)"')"
		check_eq tunnel_sink_claims true \
			"$(jqv "$J" '[.tunnel_termination.host_claims[] | test("claimed:.*gre/ipv4")] | any')"
	else
		fail summary_json "no JSON summary after SIGINT: $(head -c 300 "$J")"
	fi
	check_eq written_readable $((2 * PINGS)) "$(tshark -r "$R/span.pcap" 2>/dev/null | wc -l)"
	check_eq written_icmp_requests "$PINGS" \
		"$(tshark -r "$R/span.pcap" -Y 'icmp.type == 8' 2>/dev/null | wc -l)"
	check_contains status_line "$R/span.err" 'packets [0-9]+ .*kernel drops 0'
else
	fail span_start "sensor did not start: $(tail -c 300 "$R/span.err")"
fi

# 2. --duration ends the run by itself, text summary (release build).
t0=$(date +%s%N)
ip netns exec "$S" timeout -k 5 60 "$MS_BIN_RELEASE" live -i m1 --duration 2 \
	>"$R/dur.out" 2>"$R/dur.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check_eq duration_exit 0 "$rc"
if [ "$ms" -ge 1900 ] && [ "$ms" -le 15000 ]; then pass duration_honoured
else fail duration_honoured "ran ${ms} ms for --duration 2"; fi
check_contains duration_summary "$R/dur.out" 'm1'
check_contains duration_tunnel_sink_note "$R/dur.out" 'tunnel sink claimed'

# 3. SIGTERM stops cleanly too, --no-tunnel-sink says so (release build).
if lv_start "$S" "$R/term" "$MS_BIN_RELEASE" -i m1 --json --no-tunnel-sink; then
	ip netns exec "$A" ping -q -c 2 -i 0.2 -W 2 198.51.100.2 >/dev/null 2>&1
	sleep 1
	lv_stop TERM
	check_eq sigterm_exit 0 "$LV_RC"
	check_eq sigterm_packets 4 "$(jqv "$R/term.out" .totals.packets 2>/dev/null)"
	check_eq no_tunnel_sink_claims true \
		"$(jqv "$R/term.out" '[.tunnel_termination.host_claims[] | test("tunnel sink off")] | any' 2>/dev/null)"
else
	fail sigterm_start "sensor did not start: $(tail -c 300 "$R/term.err")"
fi

# 4. TAP style: h2's ingress copied to m0, its egress to n0; the sensor
# captures m1 and n1 together.
ip netns exec "$B" tc qdisc del dev h2 clsact
ip netns exec "$B" tc qdisc add dev h2 clsact
ip netns exec "$B" tc filter add dev h2 ingress protocol ip u32 match ip protocol 1 0xff \
	action mirred egress mirror dev m0 || fail setup "tc ingress mirror"
ip netns exec "$B" tc filter add dev h2 egress protocol ip u32 match ip protocol 1 0xff \
	action mirred egress mirror dev n0 || fail setup "tc egress mirror"
if lv_start "$S" "$R/tap" "$MS_BIN_RELEASE" -i m1 -i n1 --json; then
	ip netns exec "$A" ping -q -c "$PINGS" -i 0.3 -W 2 198.51.100.2 >/dev/null 2>&1
	sleep 1.5
	lv_stop INT
	J=$R/tap.out
	check_eq tap_inputs "m1 $PINGS n1 $PINGS" \
		"$(jqv "$J" '[.inputs[] | "\(.name) \(.packets)"] | join(" ")' 2>/dev/null)"
	check_eq tap_packets $((2 * PINGS)) "$(jqv "$J" .totals.packets 2>/dev/null)"
	check_eq tap_one_flow_both_directions "1 $PINGS/$PINGS" \
		"$(jqv "$J" '"\(.flows.created) \(.flows.top[0].packets_fwd)/\(.flows.top[0].packets_rev)"' 2>/dev/null)"
	check_eq tap_no_duplicates 0 "$(jqv "$J" .totals.duplicates 2>/dev/null)"
else
	fail tap_start "sensor did not start: $(tail -c 300 "$R/tap.err")"
fi
done_testing
