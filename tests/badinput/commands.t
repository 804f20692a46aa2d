#!/usr/bin/env bash
# tests/badinput/commands.t - the other ways hostile captures reach the code:
# `verify` (health accumulator and report) on every crafted capture,
# `read --packets` (per-packet printing of whatever the decoders kept),
# `read -w` (the clean pcap written from hostile input must be a valid
# capture holding exactly the frames counted), `read --db` then `inventory`
# (protocol parsers and inventory storage), and inventory files that are not
# inventories. Never a crash, hang or sanitizer report (ASan/UBSan build).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
scratch
gen_caps

# verify on every crafted capture: a report with a verdict (0/1/2), valid JSON
bad=""
for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do
	n=$(basename "$f"); n=${n%.*}
	case "$n" in file_*|ng_*|linktype_unknown) continue ;; esac  # file-level: files.t
	ms_run "verify_$n" verify "$f" --json
	if [ -n "$R_BAD" ]; then bad="$bad $n($R_BAD)"; continue; fi
	if [ "$R_RC" -gt 2 ]; then bad="$bad $n(exit $R_RC)"; continue; fi
	jq -e . "$T_OUT/verify_$n.out" >/dev/null 2>&1 || bad="$bad $n(invalid JSON)"
done
if [ -z "$bad" ]; then pass verify_crafted; else fail verify_crafted "$bad"; fi
ms_run verify_missing verify "$T_TMP/none.pcap"
expect_exit verify_missing 66 "none.pcap"
head -c 3000 /dev/zero >"$T_TMP/zeros.pcap"
ms_run verify_zeros verify "$T_TMP/zeros.pcap"
expect_exit verify_zeros 65 "zeros.pcap"

# read --packets: one line per decoded packet, whatever the packet was
bad=""
for f in "$CAPS"/*.pcap; do
	n=$(basename "$f" .pcap)
	case "$n" in file_*|linktype_unknown) continue ;; esac
	ms_run "packets_$n" read "$f" --packets
	if [ -n "$R_BAD" ]; then bad="$bad $n($R_BAD)"; elif [ "$R_RC" != 0 ]; then bad="$bad $n(exit $R_RC)"; fi
done
if [ -z "$bad" ]; then pass packets_crafted; else fail packets_crafted "$bad"; fi

# read -w: the clean output of hostile input is a valid capture with exactly
# the frames the summary says were written
bad=""
for f in "$CAPS"/*.pcap; do
	n=$(basename "$f" .pcap)
	case "$n" in file_*|linktype_unknown) continue ;; esac
	ms_run "w_$n" read "$f" --json -w "$T_TMP/$n.out.pcap"
	if [ -n "$R_BAD" ]; then bad="$bad $n($R_BAD)"; continue; fi
	if [ "$R_RC" != 0 ]; then bad="$bad $n(exit $R_RC)"; continue; fi
	want=$(jqv "$T_OUT/w_$n.out" .totals.written)
	got=$(tcpdump -qnr "$T_TMP/$n.out.pcap" 2>/dev/null | wc -l)
	[ "$want" = "$got" ] || bad="$bad $n(written $want, file holds $got)"
done
if [ -z "$bad" ]; then pass write_crafted; else fail write_crafted "$bad"; fi

# verify --expect files that lie, and outputs that cannot be written
i=0
while IFS= read -r line; do
	i=$((i + 1))
	printf '%s\n' "$line" >"$T_TMP/bad$i.expect"
	ms_run "expect_bad$i" verify --expect "$T_TMP/bad$i.expect" "$CAPS/good.pcap"
	expect_exit "expect_bad$i" 65 "bad$i.expect"
done <<'LINES'
vlan 99999999999999999999
subnet 300.1.2.3/99
max-loss -5%
min-devices
erspan-session 5-2
vni 0x
no-such-directive 1
LINES
{ printf 'protocol '; head -c 6000 /dev/zero | tr '\0' A; echo; } >"$T_TMP/long.expect"
ms_run expect_long_line verify --expect "$T_TMP/long.expect" "$CAPS/good.pcap"
expect_exit expect_long_line 65 "long.expect"
awk 'BEGIN { for (i = 0; i < 3000; i++) printf "%c", (i * 131 + 7) % 256 }' >"$T_TMP/binary.expect"
ms_run expect_binary verify --expect "$T_TMP/binary.expect" "$CAPS/good.pcap"
expect_exit expect_binary 65 "binary.expect"
ms_run expect_missing verify --expect "$T_TMP/none.expect" "$CAPS/good.pcap"
expect_exit expect_missing 66 "none.expect"
ms_run html_no_dir verify "$CAPS/good.pcap" --html "$T_TMP/no/dir/r.html"
expect_exit html_no_dir 74 "r.html"
ms_run verify_no_input verify
expect_exit verify_no_input 64 "input"
ms_run live_no_such_if live -i nosuchif0 --duration 1
expect_exit live_no_such_if 66 "nosuchif0"
ms_run live_no_if live
expect_exit live_no_if 64 "interface"

# inventory files that are not inventories
ms_run inventory_missing inventory --db "$T_TMP/none.db"
expect_exit inventory_missing 66 "none.db"
ms_run inventory_zeros inventory --db "$T_TMP/zeros.pcap"
expect_exit inventory_zeros 65 "zeros.pcap"
yes "not an inventory" | head -c 5000 >"$T_TMP/text.db"
ms_run inventory_text inventory --db "$T_TMP/text.db" --json
expect_exit inventory_text 65 "text.db"

# read --db: the protocol parsers and the inventory see every crafted capture
ms_run db_probe read "$CAPS/good.pcap" --db "$T_TMP/probe.db"
if grep -q "not built in" "$T_OUT/db_probe.err"; then
	skip db_crafted "read --db is not built in yet"
else
	# 16 captures per run (the input limit), merged into one inventory file
	bad=""
	batch=()
	k=0
	flush() {
		[ ${#batch[@]} -eq 0 ] && return
		k=$((k + 1))
		ms_run "db_batch$k" read "${batch[@]}" --db "$T_TMP/inv.db"
		if [ -n "$R_BAD" ]; then bad="$bad batch$k($R_BAD)"; elif [ "$R_RC" != 0 ]; then bad="$bad batch$k(exit $R_RC)"; fi
		batch=()
	}
	for f in "$CAPS"/*.pcap "$CAPS"/*.pcapng; do
		n=$(basename "$f"); n=${n%.*}
		case "$n" in file_*|ng_*|linktype_unknown|null_bad_family|raw_bad_version) continue ;; esac
		batch+=("$f")
		[ ${#batch[@]} -eq 16 ] && flush
	done
	flush
	ms_run db_inventory inventory --db "$T_TMP/inv.db" --json
	[ -z "$R_BAD" ] && [ "$R_RC" = 0 ] && jq -e .devices "$T_OUT/db_inventory.out" >/dev/null 2>&1 ||
		bad="$bad inventory(exit $R_RC $R_BAD)"
	if [ -z "$bad" ]; then pass db_crafted; else fail db_crafted "$bad"; fi
fi
done_testing
