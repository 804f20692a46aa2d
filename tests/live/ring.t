#!/usr/bin/env bash
# live/ring: the AF_PACKET ring API (through tests/tools/livegen) and the
# open errors of `mirrorsense live`: direction selection, VLAN tags put
# back after the kernel stripped them, kernel BPF filters that see those
# tags, and clear messages and exit codes for a missing interface, an
# interface that is down, a bad filter and a user without CAP_NET_RAW; a
# tunnel port another program holds is reported as such; an interface set
# down and up again mid-run costs no CPU while down and is captured again;
# a ring that overflows (sensor stopped with SIGSTOP) reports kernel drops
# that add up exactly with the packets captured.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/netns.sh"
lv_require ring

lv_ns g; G=$LV_NS
lv_ns s; S=$LV_NS
lv_veth "$G" g0 "$S" s0 || { fail setup "veth"; exit 0; }
VLANCAP=$CORPUS/mirror/zeek_http-vlan-0.pcap   # 14 frames, all 802.1Q tagged
NVLAN=$(lv_pcap_count "$VLANCAP")

# Readers: both directions on the receiver, tx and rx only on the sender,
# and one with a VLAN filter; each stops after 4 s or the expected count.
R=$T_TMP
lv_bg ip netns exec "$S" "$LIVEGEN" ring -i s0 --seconds 4 --count "$NVLAN" --ready "$R/r1" >"$R/s0.txt"
lv_bg ip netns exec "$S" "$LIVEGEN" ring -i s0 --seconds 4 -f "vlan and tcp" --ready "$R/r2" >"$R/s0vlan.txt"
lv_bg ip netns exec "$S" "$LIVEGEN" ring -i s0 --seconds 4 -f "not vlan" --ready "$R/r3" >"$R/s0novlan.txt"
lv_bg ip netns exec "$G" "$LIVEGEN" ring -i g0 --seconds 4 --count "$NVLAN" --dir tx --ready "$R/r4" >"$R/g0tx.txt"
lv_bg ip netns exec "$G" "$LIVEGEN" ring -i g0 --seconds 4 --dir rx --ready "$R/r5" >"$R/g0rx.txt"
for f in r1 r2 r3 r4 r5; do lv_wait_file "$R/$f" || fail setup "ring reader $f did not start"; done
ip netns exec "$G" tcpreplay -q -t -i g0 "$VLANCAP" >/dev/null 2>&1
wait "${LV_PIDS[@]}" 2>/dev/null
LV_PIDS=()

field() { awk -v k="$2" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$1"; }
check_eq vlan_frames_received "$NVLAN" "$(field "$R/s0.txt" frames)"
check_eq vlan_tag_reinserted "$NVLAN" "$(field "$R/s0.txt" vlan_reinserted)"
check_eq vlan_tag_visible "$NVLAN" "$(field "$R/s0.txt" tagged)"
check_eq vlan_kernel_no_drops 0 "$(field "$R/s0.txt" kernel_drops)"
check_eq vlan_filter_sees_stripped_tag "$NVLAN" "$(field "$R/s0vlan.txt" frames)"
check_eq not_vlan_filter_excludes 0 "$(field "$R/s0novlan.txt" frames)"
check_eq direction_tx_only "$NVLAN" "$(field "$R/g0tx.txt" outgoing)"
check_eq direction_tx_frames "$NVLAN" "$(field "$R/g0tx.txt" frames)"
check_eq direction_rx_skips_own "0" "$(field "$R/g0rx.txt" frames)"

# Open errors of the live command: message and exit status.
ip netns exec "$S" "$MS" live -i nosuch0 --duration 1 >/dev/null 2>"$R/e1"
check_eq no_such_interface_exit 66 $?
check_contains no_such_interface_msg "$R/e1" "no such interface 'nosuch0'"
ip -n "$S" link add d0 type veth peer name d1
ip netns exec "$S" "$MS" live -i d0 --duration 1 >/dev/null 2>"$R/e2"
check_eq interface_down_exit 66 $?
check_contains interface_down_msg "$R/e2" "interface 'd0' is down"
ip netns exec "$S" "$MS" live -i s0 -f "not a (filter" --duration 1 >/dev/null 2>"$R/e3"
check_eq bad_filter_exit 64 $?
check_contains bad_filter_msg "$R/e3" "bad filter"
ip netns exec "$S" "$MS" live --duration 1 >/dev/null 2>"$R/e4"
check_eq no_interface_exit 64 $?
check_rc bad_direction_exit 64 "$MS" live -i s0 --direction sideways
check_rc bad_ring_size_exit 64 "$MS" live -i s0 --ring-mb 0
check_rc file_argument_exit 64 "$MS" live -i s0 "$VLANCAP"
# Without CAP_NET_RAW: a copy of the binary that user nobody may run,
# started as nobody with no capabilities at all.
cp "$MS" "$R/ms-nobody" && chmod 755 "$R" "$R/ms-nobody"
ip netns exec "$S" setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	--bounding-set=-all "$R/ms-nobody" live -i s0 --duration 1 >/dev/null 2>"$R/e5"
check_eq no_privilege_exit 71 $?
check_contains no_privilege_msg "$R/e5" "needs root or CAP_NET_RAW"

# GRO on the capture interface merges frames: warned about at start.
if ip netns exec "$S" ethtool -K s0 gro on >/dev/null 2>&1; then
	ip netns exec "$S" "$MS" live -i s0 --duration 0.5 --quiet 2>"$R/gro.err"
	check_contains gro_warning "$R/gro.err" "warning: GRO is on for s0"
	ip netns exec "$S" ethtool -K s0 gro off >/dev/null 2>&1
	ip netns exec "$S" "$MS" live -i s0 --duration 0.5 --quiet 2>"$R/nogro.err"
	check_not_contains no_gro_no_warning "$R/nogro.err" "warning: GRO"
else
	skip gro_warning "cannot switch GRO on for a veth here"
fi

# A tunnel port already bound by another program: reported, not fatal.
lv_bg ip netns exec "$S" socat -u UDP4-RECV:4789 /dev/null
for i in $(seq 50); do
	ip netns exec "$S" ss -lun 2>/dev/null | grep -q ':4789 ' && break
	sleep 0.1
done
ip netns exec "$S" "$MS" live -i s0 --duration 1 --json >"$R/inuse.json" 2>"$R/inuse.err"
check_eq port_in_use_exit 0 $?
check_eq port_in_use_reported true \
	"$(jqv "$R/inuse.json" '[.tunnel_termination.host_claims[] | test("in use by another program: vxlan/4789/ipv4")] | any' 2>/dev/null)"
check_eq port_in_use_rest_claimed true \
	"$(jqv "$R/inuse.json" '[.tunnel_termination.host_claims[] | test("claimed: gre/ipv4 gre/ipv6 vxlan/4789/ipv6")] | any' 2>/dev/null)"
kill "$LV_PID" 2>/dev/null

# Interface set down mid-run: no busy loop while down, capture resumes when up.
if lv_start "$S" "$R/flap" "$MS" -i s0 --json; then
	ip -n "$S" link set s0 down
	sleep 0.3
	t0=$(awk '{print $14 + $15}' "/proc/$LV_SENSOR/stat")
	sleep 1.5
	t1=$(awk '{print $14 + $15}' "/proc/$LV_SENSOR/stat")
	if [ $((t1 - t0)) -le 30 ]; then pass flap_no_busy_loop
	else fail flap_no_busy_loop "$((t1 - t0)) CPU ticks in 1.5 s while the interface was down"; fi
	ip -n "$S" link set s0 up
	sleep 0.5
	ip netns exec "$G" tcpreplay -q -t -i g0 "$VLANCAP" >/dev/null 2>&1
	sleep 1.5
	lv_stop INT
	check_eq flap_exit 0 "$LV_RC"
	check_eq flap_captured_after_up "$NVLAN" "$(jqv "$R/flap.out" .totals.packets 2>/dev/null)"
else
	fail flap_start "sensor did not start: $(tail -c 300 "$R/flap.err")"
fi

# Ring overflow: a 1 MiB ring, the sensor frozen while 20000 frames arrive.
SENT=20000
if lv_start "$S" "$R/drop" "$MS" -i s0 --json --ring-mb 1; then
	kill -STOP "$LV_SENSOR"
	ip netns exec "$G" "$LIVEGEN" send -i g0 --kind udp --count "$SENT" --pps 100000 >/dev/null ||
		fail drops_send "livegen failed"
	kill -CONT "$LV_SENSOR"
	sleep 1.5
	lv_stop INT
	got=$(jqv "$R/drop.out" .totals.packets 2>/dev/null)
	drops=$(jqv "$R/drop.out" .totals.kernel_drops 2>/dev/null)
	if [ "${drops:-0}" -gt 0 ] 2>/dev/null; then pass kernel_drops_reported
	else fail kernel_drops_reported "no kernel drops after overflowing a 1 MiB ring ($got captured)"; fi
	check_eq kernel_drops_exact "$SENT" "$(( ${got:-0} + ${drops:-0} ))"
	check_eq kernel_drops_per_input "$drops" "$(jqv "$R/drop.out" '.inputs[0].kernel_drops' 2>/dev/null)"
else
	fail drops_start "sensor did not start: $(tail -c 300 "$R/drop.err")"
fi
done_testing
