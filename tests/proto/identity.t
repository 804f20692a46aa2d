#!/usr/bin/env bash
# tests/proto/identity.t - identity fields of the OT and layer 2 parsers
# against what tshark's dissectors show for the same packets.
#
# Each case runs protodump (tests/tools/protodump.c: the real decoder, then
# src/proto) over a capture of ../shared/corpus and compares the set of
# values of one of our identity fields with the set tshark gives for the
# corresponding field(s) and display filter. A case fails if a value is
# missing on either side, so every field the inventory claims is
# cross-checked, and an empty set counts as a failure (a parser that stops
# finding anything cannot pass).
. "$(dirname "$0")/../lib.sh"
PD=${MS_BUILD_ASAN:-$ROOT/build-asan}/protodump
[ -x "$PD" ] || PD=$MS_BUILD/protodump
OT=$CORPUS/ot
scratch

# ours FILE KEY: sorted unique values of identity field KEY (any side).
ours() {
	local cache="$T_TMP/pd.$(basename "$1")"
	[ -f "$cache" ] || "$PD" -i "$1" | tr '|' '\n' >"$cache"
	sed -n "s/^ *\(src\|dst\|subj\)\.$2=//p" "$cache" | sed 's/[[:space:]]*$//' | sort -u
}
# theirs FILE FILTER FIELD...: sorted unique values tshark shows.
theirs() {
	local f=$1 y=$2; shift 2
	local args=()
	for e in "$@"; do args+=(-e "$e"); done
	tshark -r "$f" -Y "$y" -T fields -E occurrence=a -E aggregator='|' "${args[@]}" 2>/dev/null |
		tr '\t|' '\n\n' | sed 's/[[:space:]]*$//' | grep -v '^$' | sort -u
}
# same CASE OURS-FILE THEIRS-FILE
same() {
	if [ ! -s "$2" ]; then
		fail "$1" "no values found by the parser"
	elif cmp -s "$2" "$3"; then
		pass "$1"
	else
		fail "$1" "ours: $(tr '\n' ' ' <"$2" | cut -c1-200) tshark: $(tr '\n' ' ' <"$3" | cut -c1-200)"
	fi
}
# xcheck CASE FILE KEY FILTER FIELD...
xcheck() {
	local name=$1 f=$2 key=$3 y=$4; shift 4
	ours "$f" "$key" >"$T_TMP/o"
	theirs "$f" "$y" "$@" >"$T_TMP/t"
	same "$name" "$T_TMP/o" "$T_TMP/t"
}

# tfields FILE FILTER FIELD...: one tshark run for several fields of one
# file; xcol CASE FILE KEY N then compares our KEY with column N of it.
tfields() {
	local f=$1 y=$2; shift 2
	local args=()
	for e in "$@"; do args+=(-e "$e"); done
	tshark -r "$f" -Y "$y" -T fields -E occurrence=a -E aggregator='|' "${args[@]}" \
		>"$T_TMP/tf" 2>/dev/null
}
tcol() {
	cut -f "$1" "$T_TMP/tf" | tr '|' '\n' | sed 's/[[:space:]]*$//' | grep -v '^$' | sort -u
}
xcol() {
	ours "$2" "$3" >"$T_TMP/o"
	tcol "$4" >"$T_TMP/t"
	same "$1" "$T_TMP/o" "$T_TMP/t"
}

# Modbus/TCP unit identifiers.
xcheck modbus_unit_id "$OT/arkime_modbus.pcap" unit_id mbtcp mbtcp.unit_id
xcheck modbus_unit_id_modicon "$OT/iti_modicon_test.pcap" unit_id mbtcp mbtcp.unit_id

# Modbus Read Device Identification (43/14) answer: no capture of the
# corpus holds one, so one is written here (documentation addresses).
python3 - "$T_TMP/mbdevid.pcap" <<'PY'
import struct, sys
objs = [(0, b"Example Automation"), (1, b"EX-PLC-100"), (2, b"V2.10")]
pdu = bytes([0x2b, 0x0e, 0x01, 0x01, 0x00, 0x00, len(objs)])
for i, v in objs:
    pdu += bytes([i, len(v)]) + v
mbap = struct.pack(">HHHB", 7, 0, len(pdu) + 1, 1) + pdu
tcp = struct.pack(">HHIIBBHHH", 502, 40001, 1000, 2000, 5 << 4, 0x18, 8192, 0, 0)
ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp) + len(mbap), 1, 0, 64, 6, 0,
                 bytes([198, 51, 100, 10]), bytes([203, 0, 113, 20]))
frame = bytes.fromhex("020000000002" "020000000001" "0800") + ip + tcp + mbap
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    f.write(struct.pack("<IIII", 1700000000, 0, len(frame), len(frame)) + frame)
PY
{ ours "$T_TMP/mbdevid.pcap" vendor; ours "$T_TMP/mbdevid.pcap" product_code
  ours "$T_TMP/mbdevid.pcap" revision; } | sort -u >"$T_TMP/o"
theirs "$T_TMP/mbdevid.pcap" modbus.object_str_value modbus.object_str_value >"$T_TMP/t"
same modbus_device_identification "$T_TMP/o" "$T_TMP/t"

# DNP3 link addresses (broadcast 0xFFF0-0xFFFF is not a station).
ours "$OT/zeek_dnp3.pcap" dnp3_addr >"$T_TMP/o"
theirs "$OT/zeek_dnp3.pcap" dnp3 dnp3.src dnp3.dst | awk '$1 < 65520' | sort -u >"$T_TMP/t"
same dnp3_addresses "$T_TMP/o" "$T_TMP/t"
xcheck dnp3_addresses_udp "$OT/zeek_dnp3_udp_read.pcap" dnp3_addr dnp3 dnp3.src dnp3.dst

# S7comm: SZL 0x0011 order numbers and firmware, SZL 0x001C names, and
# rack / slot / connection type from the called TSAP of the COTP CR.
for F in "$OT/icsnpp-s7comm_s7ident.pcap" "$OT/iti_s7comm_reading_plc_status.pcap"; do
	n=$(basename "$F" .pcap)
	tshark -r "$F" -Y 's7comm.szl.xy11.0001.index' -T fields -E occurrence=a -E aggregator='|' \
		-e s7comm.szl.xy11.0001.index -e s7comm.szl.xy11.0001.anz \
		-e s7comm.szl.xy11.0001.ausbg -e s7comm.szl.xy11.0001.ausbe >"$T_TMP/szl" 2>/dev/null
	# szl_index INDEX: the order number (anz) of the records with that index
	szl_anz() {
		awk -F'\t' -v want="$1" '{ n = split($1, i, "|"); split($2, a, "|");
			for (k = 1; k <= n; k++) if (i[k] == want) print a[k] }' "$T_TMP/szl" |
			sed 's/[[:space:]]*$//' | grep -v '^$' | sort -u
	}
	ours "$F" order_number >"$T_TMP/o"; szl_anz 0x0001 >"$T_TMP/t"
	same "s7_order_number_$n" "$T_TMP/o" "$T_TMP/t"
	ours "$F" hw_order_number >"$T_TMP/o"; szl_anz 0x0006 >"$T_TMP/t"
	same "s7_hw_order_number_$n" "$T_TMP/o" "$T_TMP/t"
	ours "$F" firmware >"$T_TMP/o"
	awk -F'\t' '{ n = split($1, i, "|"); split($3, g, "|"); split($4, e, "|");
		for (k = 1; k <= n; k++) if (i[k] == "0x0007")
			printf "V%d.%d.%d\n", g[k] % 256, int(e[k] / 256), e[k] % 256 }' "$T_TMP/szl" |
		sort -u >"$T_TMP/t"
	same "s7_firmware_$n" "$T_TMP/o" "$T_TMP/t"
	tfields "$F" s7comm.szl.001c.0001.name s7comm.szl.001c.0001.name s7comm.szl.001c.0002.name \
		s7comm.szl.001c.0005.serialn s7comm.szl.001c.0007.cputypname
	xcol "s7_plc_name_$n" "$F" plc_name 1
	xcol "s7_module_name_$n" "$F" module_name 2
	xcol "s7_serial_$n" "$F" serial 3
	xcol "s7_module_type_$n" "$F" module_type 4
	{ ours "$F" rack; ours "$F" slot; } | sort -u >"$T_TMP/o"
	theirs "$F" 'cotp.type == 0x0e' cotp.dst-tsap |
		while read -r t; do v=$(( t % 256 )); echo $(( v / 32 )); echo $(( v % 32 )); done |
		sort -u >"$T_TMP/t"
	same "s7_rack_slot_$n" "$T_TMP/o" "$T_TMP/t"
	ours "$F" s7_connection >"$T_TMP/o"
	theirs "$F" 'cotp.type == 0x0e' cotp.dst-tsap |
		while read -r t; do case $(( t / 256 )) in 1) echo pg;; 2) echo op;; 3) echo s7-basic;; esac; done |
		sort -u >"$T_TMP/t"
	same "s7_connection_type_$n" "$T_TMP/o" "$T_TMP/t"
done

# EtherNet/IP List Identity.
F="$OT/sv_enip-alert_enip_test1.pcap"
ours "$F" vendor_id >"$T_TMP/o"
theirs "$F" enip.lir.vendor enip.lir.vendor | while read -r v; do echo $(( v )); done >"$T_TMP/t"
same enip_vendor_id "$T_TMP/o" "$T_TMP/t"
tfields "$F" enip.lir.devtype enip.lir.devtype enip.lir.prodcode enip.lir.serial enip.lir.name
xcol enip_device_type "$F" device_type 1
xcol enip_product_code "$F" product_code 2
xcol enip_serial "$F" serial 3
xcol enip_product_name "$F" product 4
ours "$F" revision >"$T_TMP/o"
theirs "$F" enip.lir.revision enip.lir.revision | awk '{ printf "%d.%d\n", int($1 / 256), $1 % 256 }' >"$T_TMP/t"
same enip_revision "$T_TMP/o" "$T_TMP/t"

# CIP Identity object in Get_Attributes_All answers (explicit messaging).
F="$OT/iti_EIP-RebootorRestart.pcap"
tfields "$F" cip.id.product_name cip.id.product_name cip.id.device_type cip.id.product_code \
	cip.id.serial_number
xcol cip_identity_product "$F" product 1
ours "$F" device_type >"$T_TMP/o"
tcol 2 | while read -r v; do echo $(( v )); done | sort -u >"$T_TMP/t"
same cip_identity_device_type "$T_TMP/o" "$T_TMP/t"
xcol cip_identity_product_code "$F" product_code 3
xcol cip_identity_serial "$F" serial 4

# BACnet I-Am: device instance and vendor ID.
# (arkime's capture also has BACnet over 802.2 LLC, which is not BACnet/IP.)
for f in arkime_bacnet-stack-services.pcap ndpi_bacnet.pcap icsnpp-bacnet_bacnet_example.pcap; do
	n=${f%.pcap}
	tfields "$OT/$f" 'bvlc && bacapp.unconfirmed_service == 0' bacapp.instance_number \
		bacapp.vendor_identifier
	xcol "bacnet_iam_instance_$n" "$OT/$f" device_instance 1
	xcol "bacnet_iam_vendor_$n" "$OT/$f" vendor_id 2
done

# IEC 60870-5-104 common address.
xcheck iec104_common_address "$OT/iti_090813_diverse.pcap" common_address iec60870_asdu iec60870_asdu.addr
xcheck iec104_common_address_rmi "$OT/iti_JavaRMI_and_IEC_Misc.pcap" common_address iec60870_asdu iec60870_asdu.addr

# IEC 61850 GOOSE (untagged and 802.1Q tagged).
for f in iti_GOOSE.pcap iti_Sample_File_GOOSE.pcap; do
	n=${f%.pcap}
	tfields "$OT/$f" goose goose.gocbRef goose.datSet goose.goID goose.appid
	xcol "goose_gocb_ref_$n" "$OT/$f" gocb_ref 1
	xcol "goose_dataset_$n" "$OT/$f" dataset 2
	xcol "goose_go_id_$n" "$OT/$f" go_id 3
	xcol "goose_app_id_$n" "$OT/$f" app_id 4
done

# PROFINET DCP identify answers.
F="$OT/iti_ChangeIPUsingDCP.pcap"
tfields "$F" 'pn_dcp.service_type == 1' pn_dcp.suboption_device_nameofstation \
	pn_dcp.suboption_device_devicevendorvalue pn_dcp.suboption_vendor_id pn_dcp.suboption_device_id
xcol pn_dcp_station_name "$F" station_name 1
xcol pn_dcp_station_type "$F" station_type 2
xcol pn_dcp_vendor_id "$F" vendor_id 3
xcol pn_dcp_device_id "$F" device_id 4
ours "$F" pn_role >"$T_TMP/o"
theirs "$F" 'pn_dcp.service_type == 1' pn_dcp.suboption_device_role |
	while read -r r; do v=$(( r )); o=""
		for b in "1 io-device" "2 io-controller" "4 io-multidevice" "8 supervisor"; do
			set -- $b; (( v & $1 )) && o="$o${o:++}$2"; done; echo "$o"; done | sort -u >"$T_TMP/t"
same pn_dcp_role "$T_TMP/o" "$T_TMP/t"
F="$OT/icsnpp-profinet-io-cm_profinet_io_cm_mixed_1.pcap"
xcheck pn_dcp_station_name_mixed "$F" station_name 'pn_dcp.service_type == 1' pn_dcp.suboption_device_nameofstation

# LLDP: every field the inventory keeps (the switch and port a mirror
# comes from). Values are kept up to 79 bytes: tshark's are cut the same.
for F in "$OT/iti_Profinet_Failed.pcap" "$OT/iti_EIP-RebootorRestart.pcap" \
	 "$OT/icsnpp-profinet-io-cm_profinet_io_cm_mixed_1.pcap"; do
	n=$(basename "$F" .pcap)
	tfields "$F" lldp lldp.port.id lldp.chassis.id lldp.chassis.id.mac lldp.mgn.addr.ip4 \
		lldp.tlv.system.desc lldp.port.desc lldp.tlv.system.name
	xcol "lldp_port_id_$n" "$F" port_id 1
	ours "$F" chassis_id >"$T_TMP/o"
	# tshark shows a locally assigned chassis ID as its bytes in hex
	{ tcol 2 | while read -r h; do
		if [[ $h =~ ^([0-9a-f]{2}){4,}$ ]]; then printf '%b\n' "$(echo "$h" | sed 's/../\\x&/g')"
		else echo "$h"; fi; done; tcol 3; } | sort -u >"$T_TMP/t"
	same "lldp_chassis_id_$n" "$T_TMP/o" "$T_TMP/t"
	ours "$F" mgmt_ip >"$T_TMP/o"
	tcol 4 | grep -v '^0\.0\.0\.0$' >"$T_TMP/t"
	same "lldp_mgmt_ip_$n" "$T_TMP/o" "$T_TMP/t"
	for k in "system_desc 5" "port_desc 6" "system_name 7"; do
		set -- $k
		ours "$F" "$1" >"$T_TMP/o"
		tcol "$2" | cut -c1-79 | sed 's/[[:space:]]*$//' | sort -u >"$T_TMP/t"
		# a field the device does not send is absent on both sides
		if [ ! -s "$T_TMP/o" ] && [ ! -s "$T_TMP/t" ]; then continue; fi
		same "lldp_${1}_$n" "$T_TMP/o" "$T_TMP/t"
	done
done

# CDP inside ERSPAN type II: decapsulated, then parsed.
F="$CORPUS/mirror/sv_decode-erspan-typeII-01_input.pcap"
tfields "$F" cdp cdp.deviceid cdp.portid cdp.platform
xcol cdp_device_id_erspan "$F" system_name 1
xcol cdp_port_id_erspan "$F" port_id 2
xcol cdp_platform_erspan "$F" platform 3

# STP root and sending bridge (priority + system ID extension / MAC).
for F in "$OT/icsnpp-enip_enip_cip_example.pcap" "$OT/iti_EIP-RebootorRestart.pcap"; do
	n=$(basename "$F" .pcap)
	tfields "$F" stp stp.root.prio stp.root.ext stp.root.hw stp.bridge.prio stp.bridge.ext stp.bridge.hw
	ours "$F" stp_root >"$T_TMP/o"
	awk -F'\t' '{ print $1 + $2 "/" $3 }' "$T_TMP/tf" | sort -u >"$T_TMP/t"
	same "stp_root_bridge_$n" "$T_TMP/o" "$T_TMP/t"
	ours "$F" stp_bridge >"$T_TMP/o"
	awk -F'\t' '{ print $4 + $5 "/" $6 }' "$T_TMP/tf" | sort -u >"$T_TMP/t"
	same "stp_sending_bridge_$n" "$T_TMP/o" "$T_TMP/t"
done

# DHCP host name and vendor class (subject: the client's MAC).
F="$OT/icsnpp-profinet-io-cm_profinet_io_cm_mixed_1.pcap"
tfields "$F" dhcp dhcp.option.hostname dhcp.option.vendor_class_id
xcol dhcp_hostname "$F" hostname 1
xcol dhcp_vendor_class "$F" vendor_class 2

# OPC UA Hello endpoint URL.
xcheck opcua_endpoint "$OT/ndpi_opc-ua.pcap" endpoint_url opcua.transport.endpoint opcua.transport.endpoint
xcheck opcua_endpoint_v6 "$OT/icsnpp-opcua_open62541_client-server_mainloop.pcap" endpoint_url \
	opcua.transport.endpoint opcua.transport.endpoint

# Omron FINS controller data read: model and version.
tfields "$OT/ndpi_fins.pcap" omron.controller.model omron.controller.model omron.controller.version
xcol fins_model "$OT/ndpi_fins.pcap" model 1
xcol fins_version "$OT/ndpi_fins.pcap" version 2

# HART-IP: long address of the field device behind the gateway.
xcheck hartip_long_address "$OT/iti_hart_ip.pcap" hart_device hart_ip.pt.long_address hart_ip.pt.long_address
xcheck hartip_long_address_ndpi "$OT/ndpi_hart_ip.pcap" hart_device hart_ip.pt.long_address hart_ip.pt.long_address

# NetBIOS names a host registers for itself (unique names, <00>/<20>).
F="$OT/icsnpp-profinet-io-cm_profinet_io_cm_mixed_1.pcap"
ours "$F" netbios_name >"$T_TMP/o"
theirs "$F" '(nbns.flags.opcode == 5 || nbns.flags.opcode == 8) && nbns.nb_flags.group == 0' nbns.name |
	sed -n 's/<\(00\|20\)>.*$//p' | sort -u >"$T_TMP/t"
same nbns_registered_names "$T_TMP/o" "$T_TMP/t"

# Roles per message: DNP3 master / outstation from the link DIR bit.
F="$OT/zeek_dnp3.pcap"
"$PD" "$F" | awk '$2 == "dnp3" { print $1, ($3 ~ /^master/ ? 1 : 0) }' >"$T_TMP/o"
tshark -r "$F" -Y dnp3 -T fields -E occurrence=f -e frame.number -e dnp3.ctl.dir 2>/dev/null |
	awk '{ print $1, ($2 == "True" || $2 == "1") ? 1 : 0 }' >"$T_TMP/t"
same dnp3_roles_per_frame "$T_TMP/o" "$T_TMP/t"

# S7comm ROSCTR (job / ack-data / userdata) per frame.
F="$OT/iti_s7comm_downloading_block_db1.pcap"
"$PD" "$F" | awk -F' [|] ' '$1 ~ / s7comm / { split($1, a, " "); sub("rosctr=", "", $2); print a[1], $2 }' >"$T_TMP/o"
tshark -r "$F" -Y s7comm -T fields -E occurrence=f -e frame.number -e s7comm.header.rosctr 2>/dev/null |
	awk '{ n = split("job ack ack-data ? ? ? userdata", r, " "); print $1, r[$2] }' >"$T_TMP/t"
same s7comm_rosctr_per_frame "$T_TMP/o" "$T_TMP/t"

# IEC 104 frame types (I / S / U) of the first APDU per segment.
F="$OT/iti_090813_diverse.pcap"
"$PD" "$F" | awk -F' [|] ' '$1 ~ / iec104 / { split($1, a, " "); sub("apci=", "", $2); print a[1], substr($2, 1, 1) }' >"$T_TMP/o"
tshark -r "$F" -Y iec60870_104 -T fields -E occurrence=f -e frame.number -e iec60870_104.type 2>/dev/null |
	awk '{ t = ($2 ~ /0$/) ? "I" : ($2 ~ /1$/) ? "S" : "U"; print $1, t }' >"$T_TMP/t"
same iec104_apci_per_frame "$T_TMP/o" "$T_TMP/t"

done_testing
