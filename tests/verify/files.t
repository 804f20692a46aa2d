#!/usr/bin/env bash
# verify/files: verdicts on crafted captures whose truth is known exactly
# (tests/tools/verifygen.c, editcap, mergecap): a clean mirror passes; one
# direction missing fails and names it; a share of packets removed is
# reported as TCP loss within a few percent of the truth; every packet
# duplicated is named; ERSPAN sequence gaps give the exact count; the
# ERSPAN T bit, snap length, broadcast-only, silence, out-of-order
# timestamps, expectations files, thresholds and exit statuses.
source "$(dirname "$0")/../lib.sh"
scratch
G=$MS_BUILD/verifygen
R=$T_TMP
V() { "$MS" verify "$@"; }

if [ ! -x "$G" ]; then fail setup "no $G (build the test tools)"; exit 0; fi
"$G" "$R/clean.pcap" >/dev/null || fail setup "verifygen clean"

# 1. A clean mirror of both directions: everything passes, exit 0.
V --json "$R/clean.pcap" > "$R/clean.json"; rc=$?
check_eq clean-exit 0 "$rc"
check_eq clean-verdict pass "$(jqv "$R/clean.json" .verdict)"
check_eq clean-both-ways 20 "$(jqv "$R/clean.json" '.scopes[-1].checks[] | select(.id=="directions") | .values.both_ways')"
check_eq clean-no-unseen 0 "$(jqv "$R/clean.json" '.totals.tcp_unseen_bytes')"
check_eq clean-subnets 2 "$(jqv "$R/clean.json" '.deployment.subnets | length')"
check_eq clean-hosts-203 20 "$(jqv "$R/clean.json" '.deployment.subnets[] | select(.subnet=="203.0.113.0/24") | .unicast_addresses')"
check_eq clean-protocols 'http,modbus' "$(jqv "$R/clean.json" '[.deployment.protocols[]] | sort | join(",")')"
V --json - < "$R/clean.pcap" > "$R/stdin.json"
check_eq stdin-input stdin "$(jqv "$R/stdin.json" '.scopes[0].name | sub(" .*"; "")')"
check_eq stdin-same-verdict pass "$(jqv "$R/stdin.json" .verdict)"
V "$R/clean.pcap" > "$R/clean.txt"
check_contains clean-text-verdict "$R/clean.txt" '^VERDICT: PASS'
check_contains clean-text-deployment "$R/clean.txt" '^  198\.51\.100\.0/24 '

# 2. Only client->server copied (SPAN source rx only): fail, naming the direction.
"$G" "$R/oneway.pcap" --one-way c2s >/dev/null
V --json "$R/oneway.pcap" > "$R/oneway.json"; rc=$?
check_eq oneway-exit 2 "$rc"
check_eq oneway-directions-fail fail "$(jqv "$R/oneway.json" '.scopes[-1].checks[] | select(.id=="directions") | .verdict')"
check_eq oneway-replies-missing 20 "$(jqv "$R/oneway.json" '.scopes[-1].checks[] | select(.id=="directions") | .values.only_client_to_server')"
check_eq oneway-missing-pair '198.51.100.0/24->203.0.113.0/24' \
	"$(jqv "$R/oneway.json" '.deployment.missing_directions[0] | "\(.from)->\(.to)"')"
V "$R/oneway.pcap" > "$R/oneway.txt"
check_contains oneway-text-names-direction "$R/oneway.txt" 'the replies \(server to client\)'
check_contains oneway-text-summary "$R/oneway.txt" '^  FAIL  Both directions +oneway\.pcap \(file\); overall$'

# 2b. A TAP with one port per direction: two legs given together pass (the
# legs are merged by time); one leg alone fails like a SPAN set to rx only.
"$G" "$R/leg-c2s.pcap" --one-way c2s >/dev/null
"$G" "$R/leg-s2c.pcap" --one-way s2c >/dev/null
V --json "$R/leg-c2s.pcap" "$R/leg-s2c.pcap" > "$R/tap.json"; rc=$?
check_eq tap-two-legs-exit 0 "$rc"
check_eq tap-two-legs-inputs 2 "$(jqv "$R/tap.json" '[.scopes[] | select(.kind=="input")] | length')"
check_eq tap-two-legs-both-ways 20 "$(jqv "$R/tap.json" '.scopes[-1].checks[] | select(.id=="directions") | .values.both_ways')"
# The legs' clocks 5 ms apart: replies' ACKs arrive before the data they
# acknowledge; within the reorder allowance that is not loss.
editcap -t 0.005 "$R/leg-s2c.pcap" "$R/leg-s2c-late.pcap" 2>/dev/null
V --json "$R/leg-c2s.pcap" "$R/leg-s2c-late.pcap" > "$R/tapskew.json"; rc=$?
check_eq tap-skewed-legs-exit 0 "$rc"
check_eq tap-skewed-legs-no-false-loss 0 "$(jqv "$R/tapskew.json" .totals.tcp_unseen_bytes)"
V "$R/leg-s2c.pcap" > "$R/tapleg.txt"; rc=$?
check_eq tap-one-leg-exit 2 "$rc"
check_contains tap-one-leg-requests-missing "$R/tapleg.txt" 'the requests \(client to server\)'
check_contains tap-one-leg-advice "$R/tapleg.txt" 'a TAP with one leg not'

# 2c. RSPAN: the stripped RSPAN VLAN is the session.
"$G" "$R/rspan.pcap" --vlan 900 >/dev/null
printf 'rspan-vlan 900\n' > "$R/rspan.expect"
V --json --rspan-vlan 900 --expect "$R/rspan.expect" "$R/rspan.pcap" > "$R/rspan.json"; rc=$?
check_eq rspan-exit 0 "$rc"
check_eq rspan-session 'rspan VLAN 900, on rspan.pcap' "$(jqv "$R/rspan.json" '.scopes[] | select(.kind=="session") | .name')"
check_eq rspan-expected pass "$(jqv "$R/rspan.json" '.scopes[-1].checks[] | select(.id=="expect") | .verdict')"

# 3. A share of packets removed: ACKed-unseen within 1.5 points of the truth.
for every in 17 7; do
	editcap "$R/clean.pcap" "$R/loss$every.pcap" $(seq "$every" "$every" 1320) 2>/dev/null
	truth=$(tshark -r "$R/clean.pcap" -T fields -e frame.number -e tcp.len 2>/dev/null |
		awk -v k="$every" '{t+=$2; if ($1%k==0) r+=$2} END {printf "%.3f", 100*r/t}')
	V --json "$R/loss$every.pcap" > "$R/loss$every.json"
	got=$(jqv "$R/loss$every.json" '.scopes[-1].checks[] | select(.id=="loss.tcp") | .values.unseen_pct')
	if awk -v a="$got" -v b="$truth" 'BEGIN {d=a-b; if (d<0) d=-d; exit !(d <= 1.5)}'; then
		pass "loss-every-$every-accurate"
	else
		fail "loss-every-$every-accurate" "reported $got%, truth $truth%"
	fi
done
check_eq loss17-warns warn "$(jqv "$R/loss17.json" '.scopes[-1].checks[] | select(.id=="loss.tcp") | .verdict')"
check_eq loss7-fails fail "$(jqv "$R/loss7.json" '.scopes[-1].checks[] | select(.id=="loss.tcp") | .verdict')"
check_eq loss-per-subnet true "$(jqv "$R/loss7.json" '.deployment.subnets[] | select(.subnet=="198.51.100.0/24") | .tcp_unseen_bytes > 0')"
# Thresholds are configurable.
check_rc loss-thresholds-configurable 0 "$MS" verify --loss-warn 20 --loss-fail 30 "$R/loss17.pcap"
check_rc loss-threshold-fail 2 "$MS" verify --loss-warn 1 --loss-fail 5 "$R/loss17.pcap"

# 4. Every packet duplicated (both ends of a link mirrored): named, removed.
mergecap -w "$R/dup.pcap" "$R/clean.pcap" "$R/clean.pcap" 2>/dev/null
V --json "$R/dup.pcap" > "$R/dup.json"; rc=$?
check_eq dup-exit 1 "$rc"
check_eq dup-check-warns warn "$(jqv "$R/dup.json" '.scopes[-1].checks[] | select(.id=="duplicates") | .verdict')"
check_eq dup-removed 1320 "$(jqv "$R/dup.json" .totals.duplicates)"
check_eq dup-pct 50 "$(jqv "$R/dup.json" '.scopes[-1].checks[] | select(.id=="duplicates") | .values.duplicate_pct')"
V "$R/dup.pcap" > "$R/dup.txt"
check_contains dup-text-cause "$R/dup.txt" 'both ends of a link'
check_contains dup-text-summary "$R/dup.txt" '^  WARN  Duplicates'
check_eq dup-no-false-loss 0 "$(jqv "$R/dup.json" .totals.tcp_unseen_bytes)"

# 5. ERSPAN II with sequence gaps: the exact count, per session.
"$G" "$R/gaps.pcap" --erspan2 100 --skip-seq 50:3 --skip-seq 400:7 --skip-seq 1000:1 >/dev/null
V --json "$R/gaps.pcap" > "$R/gaps.json"; rc=$?
check_eq gaps-exit 1 "$rc"
check_eq gaps-session-lost 11 "$(jqv "$R/gaps.json" '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="loss.upstream") | .values.lost')"
check_eq gaps-session-name 'erspan2 session 100 from 203.0.113.250, on gaps.pcap' \
	"$(jqv "$R/gaps.json" '.scopes[] | select(.kind=="session") | .name')"
check_eq gaps-overall-lost 11 "$(jqv "$R/gaps.json" '.scopes[-1].checks[] | select(.id=="loss.upstream") | .values.lost')"
"$G" "$R/nogaps.pcap" --erspan2 100 >/dev/null
check_rc erspan-clean-passes 0 "$MS" verify "$R/nogaps.pcap"

# 6. ERSPAN III with only the ingress direction bit and one-way TCP.
"$G" "$R/e3in.pcap" --erspan3 7 --dir in --one-way c2s >/dev/null
V --json "$R/e3in.pcap" > "$R/e3in.json"
check_eq e3-dbit-ingress 460 "$(jqv "$R/e3in.json" '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="directions") | .values.erspan3_ingress')"
check_contains e3-dbit-advice "$R/e3in.json" 'copies only received \(ingress, rx\)'
"$G" "$R/e3split.pcap" --erspan3 7 --dir split >/dev/null
check_rc e3-split-passes 0 "$MS" verify "$R/e3split.pcap"
V --json "$R/e3split.pcap" > "$R/e3split.json"
check_eq e3-hw-timestamps 1320 "$(jqv "$R/e3split.json" '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="timing") | .values.hw_timestamps')"
check_eq e3-hw-spread-zero 0 "$(jqv "$R/e3split.json" '.scopes[] | select(.kind=="session") | .checks[] | select(.id=="timing") | .values.hw_offset_spread_ms')"

# 7. Truncation: ERSPAN T bit, and the capture's snap length.
"$G" "$R/tbit.pcap" --erspan2 9 --tbit >/dev/null
V --json "$R/tbit.pcap" > "$R/tbit.json"
check_eq tbit-counted 1320 "$(jqv "$R/tbit.json" '.scopes[-1].checks[] | select(.id=="truncation") | .values.erspan_truncated')"
check_eq tbit-fails fail "$(jqv "$R/tbit.json" '.scopes[-1].checks[] | select(.id=="truncation") | .verdict')"
"$G" "$R/cut.pcap" --erspan2 9 --inner-cut 1000 >/dev/null
V --json "$R/cut.pcap" > "$R/cut.json"
check_eq cut-in-path-counted 800 "$(jqv "$R/cut.json" '.scopes[-1].checks[] | select(.id=="truncation") | .values.cut_in_path')"
check_eq cut-in-path-no-tbit 0 "$(jqv "$R/cut.json" '.scopes[-1].checks[] | select(.id=="truncation") | .values.erspan_truncated')"
check_contains cut-in-path-advice "$R/cut.json" 'Raise the MTU on the path'
editcap -s 80 "$R/clean.pcap" "$R/snap.pcap" 2>/dev/null
V --json "$R/snap.pcap" > "$R/snap.json"
check_eq snaplen-counted 800 "$(jqv "$R/snap.json" '.scopes[-1].checks[] | select(.id=="truncation") | .values.snaplen_cut')"
check_contains snaplen-advice "$R/snap.json" 'full snap length'

# 7b. Oversubscription against the port speed (--link-speed, Mbit/s):
# 1-ms bursts of 84 Mbit/s, 100-ms peak of 56 Mbit/s in the clean capture.
V --json --link-speed 50 "$R/clean.pcap" > "$R/os50.json"
check_eq oversub-sustained-fails fail "$(jqv "$R/os50.json" '.scopes[-1].checks[] | select(.id=="oversubscription") | .verdict')"
V --json --link-speed 70 "$R/clean.pcap" > "$R/os70.json"
check_eq oversub-bursts-warn warn "$(jqv "$R/os70.json" '.scopes[-1].checks[] | select(.id=="oversubscription") | .verdict')"
V --json --link-speed 70 "$R/loss17.pcap" > "$R/os70l.json"
check_eq oversub-bursts-with-loss-fail fail "$(jqv "$R/os70l.json" '.scopes[-1].checks[] | select(.id=="oversubscription") | .verdict')"
check_contains oversub-names-cause "$R/os70l.json" 'mirror port drops the bursts'
V --json --link-speed 1000 "$R/clean.pcap" > "$R/os1g.json"
check_eq oversub-gigabit-passes pass "$(jqv "$R/os1g.json" '.scopes[-1].checks[] | select(.id=="oversubscription") | .verdict')"
check_eq oversub-peak-1ms true "$(jqv "$R/os1g.json" '.scopes[-1].checks[] | select(.id=="oversubscription") | .values.peak_1ms_bps > 80000000')"

# 8. Mostly broadcast: the mirror is misconfigured.
"$G" "$R/bcast.pcap" --conns 1 --segs 0 --broadcast 300 >/dev/null
V --json "$R/bcast.pcap" > "$R/bcast.json"; rc=$?
check_eq bcast-exit 2 "$rc"
check_eq bcast-unicast-fails fail "$(jqv "$R/bcast.json" '.scopes[-1].checks[] | select(.id=="unicast") | .verdict')"
check_eq bcast-subnet-broadcast true "$(jqv "$R/bcast.json" '.deployment.subnets[] | select(.subnet=="203.0.113.0/24") | .broadcast')"

# 9. Timing: a capture appended to itself goes back in time once.
mergecap -a -w "$R/twice.pcap" "$R/clean.pcap" "$R/clean.pcap" 2>/dev/null
V --json --no-dedup "$R/twice.pcap" > "$R/twice.json"
check_eq timing-out-of-order 1 "$(jqv "$R/twice.json" '.scopes[-1].checks[] | select(.id=="timing") | .values.out_of_order')"
check_eq dedup-off-na 'n/a' "$(jqv "$R/twice.json" '.scopes[-1].checks[] | select(.id=="duplicates") | .verdict')"

# 10. Expectations file: pass and fail per line; errors are input errors.
cat > "$R/ok.expect" <<'X'
# what this mirror must show
subnet 203.0.113.0/24 198.51.100.0/28
protocol modbus http
min-devices 25
both-directions 95
X
cat > "$R/bad.expect" <<'X'
vlan 10
protocol modbus s7comm
erspan-session 100
max-loss 1
X
check_rc expect-pass 0 "$MS" verify --expect "$R/ok.expect" "$R/clean.pcap"
V --json --expect "$R/bad.expect" "$R/clean.pcap" > "$R/bad.json"; rc=$?
check_eq expect-fail-exit 2 "$rc"
check_eq expect-items 5 "$(jqv "$R/bad.json" '[.scopes[-1].checks[] | select(.id=="expect")] | length')"
check_eq expect-failed 'fail,pass,fail,fail,pass' "$(jqv "$R/bad.json" '[.scopes[-1].checks[] | select(.id=="expect") | .verdict] | join(",")')"
printf 'vlans 10\n' > "$R/typo.expect"
check_rc expect-typo-65 65 "$MS" verify --expect "$R/typo.expect" "$R/clean.pcap"
check_rc expect-missing-66 66 "$MS" verify --expect "$R/none.expect" "$R/clean.pcap"

# 10b. With --db the inventory's devices count and its per-subnet summary is shown.
printf 'min-devices 6\nprotocol modbus\n' > "$R/inv.expect"
V --json --db "$R/inv.db" --expect "$R/inv.expect" "$CORPUS/ot/iti_modbus_test.pcap" > "$R/inv.json"; rc=$?
check_eq db-exit 0 "$rc"
check_eq db-devices 6 "$(jqv "$R/inv.json" .inventory_devices)"
check_eq db-subnet-summary modbus "$(jqv "$R/inv.json" '.deployment.subnets[0].inventory.ot_protocols')"
check_contains db-min-devices-from-inventory "$R/inv.json" 'devices: 6 in the inventory'

# 11. No traffic, usage and input errors.
python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,1))' > "$R/empty.pcap"
V "$R/empty.pcap" > "$R/empty.txt"; rc=$?
check_eq empty-exit 2 "$rc"
check_contains empty-no-traffic "$R/empty.txt" 'FAIL  Traffic present +no traffic monitored'
check_rc usage-no-input 64 "$MS" verify
check_rc usage-bad-threshold 64 "$MS" verify --loss-warn abc "$R/clean.pcap"
check_rc missing-file-66 66 "$MS" verify "$R/nothing.pcap"
check_rc html-unwritable-74 74 "$MS" verify --html /nonexistent/dir/r.html "$R/clean.pcap"
done_testing
