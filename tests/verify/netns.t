#!/usr/bin/env bash
# verify/netns: real mirrors in network namespaces, checked end to end with
# `mirrorsense verify -i IF --duration N`:
#   span-both   tc mirred copies both directions of a server port: all pass
#   silent      a port that receives nothing: "no traffic monitored"
#   span-rx     ingress only: the direction check fails and names the
#               missing direction (server -> client replies)
#   vxlan       the same copies sent through a VXLAN tunnel (VNI 42): the
#               session is reported with its VNI, both directions pass
#   replay-loss a capture with every 17th packet removed, replayed with
#               tcpreplay: TCP loss within 1.5 points of the truth
#   replay-dup  every packet twice, replayed: the duplicate check names it
#   replay-gaps ERSPAN II with 11 sequence numbers skipped: exactly 11 lost
# Namespaces are named ms<role><pid> and deleted at exit (tests/live/netns.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../live/netns.sh"
lv_require verify-netns
G=$MS_BUILD/verifygen
R=$T_TMP

lv_ns a; A=$LV_NS
lv_ns b; B=$LV_NS
lv_ns s; S=$LV_NS
lv_ns r; RP=$LV_NS
lv_veth "$A" h1 "$B" h2 || { fail setup "veth h1-h2"; exit 0; }
lv_veth "$B" m0 "$S" m1 || { fail setup "veth m0-m1"; exit 0; }
lv_veth "$B" u2 "$S" us || { fail setup "veth u2-us"; exit 0; }
lv_veth "$RP" r0 "$S" r1 || { fail setup "veth r0-r1"; exit 0; }
ip -n "$A" addr add 198.51.100.1/24 dev h1
ip -n "$B" addr add 198.51.100.2/24 dev h2
ip -n "$B" addr add 203.0.113.1/24 dev u2
ip -n "$S" addr add 203.0.113.2/24 dev us
ip netns exec "$B" tc qdisc add dev h2 clsact

# A TCP server in B sending 60 kB per connection.
lv_bg ip netns exec "$B" socat TCP-LISTEN:8080,fork,reuseaddr SYSTEM:'head -c 60000 /dev/zero'
for i in $(seq 50); do
	ip netns exec "$B" ss -ltn 2>/dev/null | grep -q ':8080 ' && break
	sleep 0.1
done

# mirror DIRS DEV: tc mirred of h2's IP traffic in DIRS (ingress/egress) to DEV.
mirror() {
	local dirs=$1 dev=$2 d
	ip netns exec "$B" tc filter del dev h2 ingress 2>/dev/null
	ip netns exec "$B" tc filter del dev h2 egress 2>/dev/null
	for d in $dirs; do
		ip netns exec "$B" tc filter add dev h2 "$d" protocol ip u32 match u32 0 0 \
			action mirred egress mirror dev "$dev" || fail setup "tc $d mirror to $dev"
	done
}

# sensor NAME IF ARGS...: start verify in S on IF for --duration 5 (JSON out).
sensor() {
	local name=$1 ifc=$2 i
	shift 2
	ip netns exec "$S" "$MS" verify -i "$ifc" --duration 5 --json "$@" \
		>"$R/$name.json" 2>"$R/$name.err" &
	SENSOR=$!
	LV_PIDS+=("$SENSOR")
	for i in $(seq 300); do
		grep -q "capturing on" "$R/$name.err" 2>/dev/null && return 0
		kill -0 "$SENSOR" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

sensor_wait() {
	wait "$SENSOR"
	SENSOR_RC=$?
}

# transfers: 8 TCP connections A -> B.
transfers() {
	local i
	for i in $(seq 8); do
		ip netns exec "$A" timeout 10 socat -u TCP:198.51.100.2:8080 /dev/null ||
			fail transfer "connection $i failed"
	done
}

ck() { jqv "$R/$1.json" "$2" 2>/dev/null; }
overall() { ck "$1" ".scopes[-1].checks[] | select(.id==\"$2\") | $3"; }

# 1. Both directions mirrored: every check passes.
mirror "ingress egress" m0
if sensor both m1; then
	transfers
	sensor_wait
	check_eq span-both-exit 0 "$SENSOR_RC"
	check_eq span-both-verdict pass "$(ck both .verdict)"
	check_eq span-both-connections 8 "$(overall both directions .values.both_ways)"
	check_eq span-both-no-loss 0 "$(ck both .totals.tcp_unseen_bytes)"
	check_eq span-both-acked true "$(ck both '.totals.tcp_acked_bytes >= 480000')"
	check_eq span-both-live-input true "$(ck both '.scopes[0].name | test("m1 \\(interface\\)")')"
else
	fail span-both-start "sensor did not start: $(tail -c 300 "$R/both.err")"
fi

# 1b. A monitoring port that receives nothing: "no traffic monitored", exit 2.
ip netns exec "$S" timeout -k 5 60 "$MS" verify -i r1 --duration 2 >"$R/none.txt" 2>"$R/none.err"
check_eq silent-port-exit 2 "$?"
check_contains silent-port-no-traffic "$R/none.txt" 'FAIL  Traffic present +no traffic monitored'
check_contains silent-port-advice "$R/none.txt" 'Nothing arrived on r1'

# 2. Ingress only (a SPAN source set to rx): fail, naming what is missing.
mirror ingress m0
if sensor rx m1; then
	transfers
	sensor_wait
	check_eq span-rx-exit 2 "$SENSOR_RC"
	check_eq span-rx-directions fail "$(overall rx directions .verdict)"
	check_eq span-rx-replies-missing 8 "$(overall rx directions .values.only_client_to_server)"
	check_eq span-rx-missing-pair '198.51.100.0/24->198.51.100.0/24' \
		"$(ck rx '.deployment.missing_directions[0] | "\(.from)->\(.to)"')"
	check_contains span-rx-advice "$R/rx.json" 'replies \(server to client\) are missing'
	check_eq span-rx-no-false-loss 0 "$(ck rx .totals.tcp_unseen_bytes)"
else
	fail span-rx-start "sensor did not start: $(tail -c 300 "$R/rx.err")"
fi

# 3. The same mirror through VXLAN (VNI 42) to the sensor's address. With
# the path at MTU 1500, full-size frames plus 50 bytes of VXLAN do not fit:
# the tunnel drops them and the report must show the loss. With the path
# MTU raised (the fix it suggests), everything passes.
if ip -n "$B" link add vx0 type vxlan id 42 remote 203.0.113.2 dstport 4789 dev u2 2>/dev/null; then
	ip -n "$B" link set vx0 up
	mirror "ingress egress" vx0
	if sensor vxmtu us -f "udp port 4789"; then
		transfers
		sensor_wait
		# This kernel drops what does not fit; one that fragments the outer
		# packets instead must show them under truncation.
		lossv=$(overall vxmtu loss.tcp .verdict)
		frags=$(overall vxmtu truncation .values.outer_fragmented)
		if [ "$lossv" = fail ] || [ "${frags:-0}" -gt 0 ]; then
			pass vxlan-small-mtu-reported
		else
			fail vxlan-small-mtu-reported "loss.tcp '$lossv', outer fragments '$frags'"
		fi
		check_eq vxlan-small-mtu-not-pass true "$([ "$SENSOR_RC" -ne 0 ] && echo true)"
		check_contains vxlan-small-mtu-advice "$R/vxmtu.json" 'MTU'
	else
		fail vxlan-small-mtu-start "sensor did not start: $(tail -c 300 "$R/vxmtu.err")"
	fi
	ip -n "$B" link set u2 mtu 1600
	ip -n "$S" link set us mtu 1600
	ip -n "$B" link set vx0 mtu 1550
	if sensor vxlan us -f "udp port 4789"; then
		transfers
		sensor_wait
		check_eq vxlan-exit 0 "$SENSOR_RC"
		check_eq vxlan-session 'vxlan VNI 42 from 203.0.113.1, on us' \
			"$(ck vxlan '.scopes[] | select(.kind=="session") | .name')"
		check_eq vxlan-session-both-ways 8 \
			"$(ck vxlan '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="directions") | .values.both_ways')"
		check_eq vxlan-method vxlan "$(ck vxlan '.scopes[0].method')"
		check_eq vxlan-no-loss 0 "$(ck vxlan .totals.tcp_unseen_bytes)"
	else
		fail vxlan-start "sensor did not start: $(tail -c 300 "$R/vxlan.err")"
	fi
else
	skip vxlan "the kernel has no VXLAN support"
fi
mirror "" m0

# 4. Replays of crafted captures (packets removed / duplicated) into r0.
"$G" "$R/clean.pcap" >/dev/null
editcap "$R/clean.pcap" "$R/loss.pcap" $(seq 17 17 1320) 2>/dev/null
truth=$(tshark -r "$R/clean.pcap" -T fields -e frame.number -e tcp.len 2>/dev/null |
	awk '{t+=$2; if ($1%17==0) r+=$2} END {printf "%.3f", 100*r/t}')
if sensor loss r1; then
	ip netns exec "$RP" tcpreplay -q --pps 3000 -i r0 "$R/loss.pcap" >"$R/tr.out" 2>&1 ||
		fail replay-loss "tcpreplay: $(tail -c 200 "$R/tr.out")"
	sensor_wait
	got=$(overall loss loss.tcp .values.unseen_pct)
	if awk -v a="$got" -v b="$truth" 'BEGIN {d=a-b; if (d<0) d=-d; exit !(d <= 1.5)}'; then
		pass replay-loss-accurate
	else
		fail replay-loss-accurate "reported '$got'%, truth $truth%"
	fi
	check_eq replay-loss-warns warn "$(overall loss loss.tcp .verdict)"
	check_eq replay-loss-kernel-drops 0 "$(ck loss .totals.kernel_drops)"
else
	fail replay-loss-start "sensor did not start: $(tail -c 300 "$R/loss.err")"
fi
mergecap -w "$R/dup.pcap" "$R/clean.pcap" "$R/clean.pcap" 2>/dev/null
if sensor dup r1; then
	ip netns exec "$RP" tcpreplay -q --pps 3000 -i r0 "$R/dup.pcap" >"$R/tr.out" 2>&1 ||
		fail replay-dup "tcpreplay: $(tail -c 200 "$R/tr.out")"
	sensor_wait
	check_eq replay-dup-exit 1 "$SENSOR_RC"
	check_eq replay-dup-warns warn "$(overall dup duplicates .verdict)"
	# Replayed live, a copy now and then falls outside the dedup window.
	check_eq replay-dup-removed true "$(ck dup '.totals.duplicates >= 1290 and .totals.duplicates <= 1320')"
	check_contains replay-dup-named "$R/dup.json" 'delivers packets twice'
else
	fail replay-dup-start "sensor did not start: $(tail -c 300 "$R/dup.err")"
fi
# ERSPAN II copies with 3 + 7 + 1 sequence numbers skipped, replayed live:
# the exact count, for the session.
"$G" "$R/gaps.pcap" --erspan2 100 --skip-seq 50:3 --skip-seq 400:7 --skip-seq 1000:1 >/dev/null
if sensor gaps r1; then
	ip netns exec "$RP" tcpreplay -q --pps 3000 -i r0 "$R/gaps.pcap" >"$R/tr.out" 2>&1 ||
		fail replay-gaps "tcpreplay: $(tail -c 200 "$R/tr.out")"
	sensor_wait
	check_eq replay-gaps-exit 1 "$SENSOR_RC"
	check_eq replay-gaps-exact 11 \
		"$(ck gaps '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="loss.upstream") | .values.lost')"
	check_eq replay-gaps-session 'erspan2 session 100 from 203.0.113.250, on r1' \
		"$(ck gaps '.scopes[] | select(.kind=="session") | .name')"
else
	fail replay-gaps-start "sensor did not start: $(tail -c 300 "$R/gaps.err")"
fi
done_testing
