#!/usr/bin/env bash
# tests/badinput/files.t - `mirrorsense read` on inputs that are not what
# they claim: missing, empty, a directory, garbage, cut mid-header and
# mid-packet, pcap/pcapng headers and blocks that lie, standard input,
# an unwritable -w path and bad options. Each must end with a message on
# stderr and the documented exit status (docs/exit-codes.md: 64 usage,
# 65 data error, 66 no input, 74 output error), or a counted event, and
# never crash, hang or over-read (the ASan/UBSan build runs here).
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/common.sh"
scratch
gen_caps
GOOD=$CAPS/good.pcap          # 12 packets: plain, ERSPAN II, VXLAN
GOODNG=$CAPS/good_ng.pcapng   # 3 packets

# --- the clean reference reads cleanly (so the failures below mean something)
ms_run good read "$GOOD" --json
expect_exit good 0 ""
check_eq good_packets 12 "$(jqv "$T_OUT/good.out" .totals.packets)"

# --- inputs that are not there or not files
ms_run missing read "$T_TMP/no-such-file.pcap"
expect_exit missing 66 "no-such-file.pcap"
ms_run directory read "$T_TMP"
expect_exit directory 66 "director"
ms_run missing_second read "$GOOD" "$T_TMP/absent.pcap"
expect_exit missing_second 66 "absent.pcap"

# --- contents that are not a capture
: >"$T_TMP/empty.pcap"
ms_run empty read "$T_TMP/empty.pcap"
expect_exit empty 65 "empty.pcap"
yes "this is not a capture file" | head -c 4096 >"$T_TMP/text.pcap"
ms_run text read "$T_TMP/text.pcap"
expect_exit text 65 "text.pcap"
# binary garbage, deterministic (a byte pattern, not /dev/urandom)
awk 'BEGIN { for (i = 0; i < 8192; i++) printf "%c", (i * 131 + 7) % 256 }' >"$T_TMP/garbage.bin"
ms_run garbage read "$T_TMP/garbage.bin"
expect_exit garbage 65 "garbage.bin"
# a pcap magic followed by garbage
{ printf '\xd4\xc3\xb2\xa1'; head -c 4000 "$T_TMP/garbage.bin"; } >"$T_TMP/magic_garbage.pcap"
ms_run magic_garbage read "$T_TMP/magic_garbage.pcap"
expect_exit magic_garbage 65 ""

# --- cut files: global header, record header, packet data
head -c 10 "$GOOD" >"$T_TMP/cut_global.pcap"
ms_run cut_global read "$T_TMP/cut_global.pcap"
expect_exit cut_global 65 "cut_global.pcap"
head -c 32 "$GOOD" >"$T_TMP/cut_record_hdr.pcap"
ms_run cut_record_hdr read "$T_TMP/cut_record_hdr.pcap" --json
expect_exit cut_record_hdr 65 "trunc"
head -c 70 "$GOOD" >"$T_TMP/cut_first_packet.pcap"
ms_run cut_first_packet read "$T_TMP/cut_first_packet.pcap" --json
expect_exit cut_first_packet 65 "trunc"
# cut inside the 5th packet: the 4 before it are read and reported
off=$(( 24 + (16 + 66) + (16 + 116) + (16 + 116) + (16 + 66) + 16 + 40 ))
head -c $off "$GOOD" >"$T_TMP/cut_fifth.pcap"
ms_run cut_fifth read "$T_TMP/cut_fifth.pcap" --json
expect_exit cut_fifth 65 "trunc"
check_eq cut_fifth_packets_kept 4 "$(jqv "$T_OUT/cut_fifth.out" .totals.packets)"
check_contains cut_fifth_input_error "$T_OUT/cut_fifth.out" '"input_error"'
head -c 100 "$GOODNG" >"$T_TMP/cut_ng.pcapng"
ms_run cut_ng read "$T_TMP/cut_ng.pcapng" --json
expect_exit cut_ng 65 ""

# --- pcap / pcapng headers and blocks that lie (tests/tools/gencap.c)
ms_run file_bad_version read "$CAPS/file_bad_version.pcap"
expect_exit file_bad_version 65 "file_bad_version"
ms_run file_caplen_huge read "$CAPS/file_caplen_huge.pcap" --json
expect_exit file_caplen_huge 65 ""
check_eq file_caplen_huge_first_kept 1 "$(jqv "$T_OUT/file_caplen_huge.out" .totals.packets)"
ms_run linktype_unknown read "$CAPS/linktype_unknown.pcap"
expect_exit linktype_unknown 65 "link ?type"
ms_run ng_unknown_blocks read "$CAPS/ng_unknown_blocks.pcapng" --json
expect_exit ng_unknown_blocks 0 ""
check_eq ng_unknown_blocks_skipped 2 "$(jqv "$T_OUT/ng_unknown_blocks.out" .totals.packets)"
for c in ng_bad_block_len ng_block_huge ng_bad_interface ng_caplen_lies ng_second_section_swapped; do
	ms_run "$c" read "$CAPS/$c.pcapng" --json
	expect_exit "$c" 65 ""
	check_eq "${c}_first_kept" 1 "$(jqv "$T_OUT/$c.out" .totals.packets)"
done
ms_run ng_no_idb read "$CAPS/ng_no_idb.pcapng"
expect_exit ng_no_idb 65 ""
ms_run ng_snaplen_cut read "$CAPS/ng_snaplen_cut.pcapng" --json
expect_exit ng_snaplen_cut 0 ""
check_eq ng_snaplen_cut_event 1 "$(json_event "$T_OUT/ng_snaplen_cut.out" decode.tcp.truncated)"
check_eq ng_snaplen_cut_truncated 1 "$(jqv "$T_OUT/ng_snaplen_cut.out" .totals.truncated)"

# --- standard input
MS_STDIN=$GOOD ms_run stdin read - --json
expect_exit stdin 0 ""
check_eq stdin_packets 12 "$(jqv "$T_OUT/stdin.out" .totals.packets)"
MS_STDIN=$GOODNG ms_run stdin_ng read - --json
expect_exit stdin_ng 0 ""
check_eq stdin_ng_packets 3 "$(jqv "$T_OUT/stdin_ng.out" .totals.packets)"
MS_STDIN=/dev/null ms_run stdin_empty read -
expect_exit stdin_empty 65 "stdin|standard input"
MS_STDIN=$T_TMP/garbage.bin ms_run stdin_garbage read -
expect_exit stdin_garbage 65 ""
MS_STDIN=$T_TMP/cut_fifth.pcap ms_run stdin_cut read - --json
expect_exit stdin_cut 65 ""
check_eq stdin_cut_packets_kept 4 "$(jqv "$T_OUT/stdin_cut.out" .totals.packets)"
MS_STDIN=$GOOD ms_run stdin_twice read - -
expect_exit stdin_twice 64 "twice"

# --- outputs that cannot be written
ms_run w_no_dir read "$GOOD" -w "$T_TMP/no/such/dir/out.pcap"
expect_exit w_no_dir 74 "out.pcap"
ms_run w_directory read "$GOOD" -w "$T_TMP"
expect_exit w_directory 74 ""
if [ -w /dev/full ]; then
	ms_run w_full read "$GOOD" -w /dev/full
	expect_exit w_full 74 "/dev/full"
else
	skip w_full "/dev/full not available"
fi

# --- bad command lines
ms_run opt_unknown read "$GOOD" --no-such-option
expect_exit opt_unknown 64 "no-such-option"
ms_run opt_no_file read
expect_exit opt_no_file 64 "file"
ms_run opt_bad_window read "$GOOD" --dedup-window soon
expect_exit opt_bad_window 64 "soon"
ms_run opt_bad_max_flows read "$GOOD" --max-flows -5
expect_exit opt_bad_max_flows 64 ""
ms_run opt_bad_port read "$GOOD" --vxlan-port 70000
expect_exit opt_bad_port 64 "70000"
ms_run opt_bad_filter read "$GOOD" -f "tcp and and ((("
expect_exit opt_bad_filter 64 "filter"
ms_run opt_missing_value read "$GOOD" --max-flows
expect_exit opt_missing_value 64 ""
ms_run cmd_unknown frobnicate
expect_exit cmd_unknown 64 "frobnicate"
ms_run cmd_none
expect_exit cmd_none 64 "usage"
done_testing
