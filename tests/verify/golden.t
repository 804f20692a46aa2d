#!/usr/bin/env bash
# verify/golden: the text report of `mirrorsense verify` on real captures
# from the corpus must equal tests/verify/golden/NAME.txt byte for byte
# (TZ=UTC, fixed ordering). One line per case in the list below:
#   NAME  CAPTURE (under $CORPUS)  [OPTIONS]
# MS_UPDATE_GOLDEN=1 rewrites the expected files (review before committing).
source "$(dirname "$0")/../lib.sh"
scratch
GOLD=$TESTS_DIR/verify/golden
if [ ! -d "$CORPUS/mirror" ]; then
	skip corpus "no corpus at $CORPUS"
	done_testing
fi
while read -r name cap opts; do
	[[ -z "$name" || "$name" == \#* ]] && continue
	# shellcheck disable=SC2086
	"$MS" verify $opts "$CORPUS/$cap" > "$T_OUT/$name.txt" 2>"$T_OUT/$name.err"
	echo "exit $?" >> "$T_OUT/$name.txt"
	if [ "${MS_UPDATE_GOLDEN:-}" = 1 ]; then
		cp "$T_OUT/$name.txt" "$GOLD/$name.txt"
	fi
	if diff -u "$GOLD/$name.txt" "$T_OUT/$name.txt" > "$T_OUT/$name.diff" 2>&1; then
		pass "$name"
	else
		fail "$name" "differs from golden/$name.txt: $(head -c 400 "$T_OUT/$name.diff" | tr '\n' ' ')"
	fi
done <<'LIST'
erspan2-icmp-cdp   mirror/sv_decode-erspan-typeII-01_input.pcap
erspan3            mirror/zeek_erspanIII.pcap
vxlan-tcp          mirror/ndpi_vxlan.pcap
geneve             mirror/sv_geneve-decoder_input.pcap
modbus-span        ot/sv_modbus_modbus.pcap
s7-unanswered-syn  ot/iti_s7comm_reading_plc_status.pcap
dnp3-silences      ot/zeek_dnp3.pcap    --gap 60
bacnet-broadcast   ot/ndpi_bacnet.pcap  --link-speed 100
LIST
done_testing
