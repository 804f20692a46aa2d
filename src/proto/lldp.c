/*
 * lldp.c - LLDP (IEEE 802.1AB-2016, clause 8) on EtherType 0x88CC: the
 * sender's chassis ID, port ID, system name and description, capabilities
 * and management address. From a switch, the port ID also says which port
 * a mirrored frame came in on.
 *
 *   TLV: | type (7 bits) | length (9 bits) | value |
 *   1 chassis ID, 2 port ID (subtype + id), 3 TTL, 4 port description,
 *   5 system name, 6 system description, 7 capabilities (system, enabled;
 *   bit 2 bridge, bit 4 router), 8 management address
 *   (| addr len | subtype 1 IPv4 2 IPv6 | address | ...), 0 end
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define LLDP_MAX_TLVS 64

static void id_field(struct proto_msg *m, const char *key, const uint8_t *v,
		     uint16_t len)
{
	if (len < 2)
		return;
	/* Subtype 4 (chassis) / 3 (port) is a MAC address: print it as one. */
	bool mac = len == 7 && ((key[0] == 'c' && v[0] == 4) || (key[0] == 'p' && v[0] == 3));
	if (mac)
		proto_field(m, SIDE_SRC, true, key, "%02x:%02x:%02x:%02x:%02x:%02x",
			    v[1], v[2], v[3], v[4], v[5], v[6]);
	else
		proto_field_bytes(m, SIDE_SRC, true, key, v + 1, len - 1u);
}

bool proto_lldp_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	proto_set(m, PROTO_LLDP, ROLE_NONE, ROLE_NONE);
	for (int k = 0; k < LLDP_MAX_TLVS; k++) {
		uint16_t tl;
		if (!cursor_be16(&c, &tl))
			return k ? true : proto_bad(m, EV_PROTO_LLDP_MALFORMED);
		uint16_t type = tl >> 9, len = tl & 0x1ff;
		if (!cursor_has(&c, len))
			return proto_bad(m, EV_PROTO_LLDP_MALFORMED);
		const uint8_t *v = cursor_ptr(&c);
		cursor_skip(&c, len);
		switch (type) {
		case 0:
			return true;
		case 1:
			id_field(m, "chassis_id", v, len);
			break;
		case 2:
			id_field(m, "port_id", v, len);
			break;
		case 4:
			proto_field_bytes(m, SIDE_SRC, true, "port_desc", v, len);
			break;
		case 5:
			proto_field_bytes(m, SIDE_SRC, true, "system_name", v, len);
			break;
		case 6:
			proto_field_bytes(m, SIDE_SRC, true, "system_desc", v, len);
			break;
		case 7:
			if (len >= 4) {
				uint16_t en = rd_be16(v + 2);
				if (en & 0x0004)
					m->src_role = ROLE_BRIDGE;
				proto_field(m, SIDE_SRC, false, "capabilities", "0x%04x", en);
			}
			break;
		case 8:
			if (len >= 6 && v[0] == 5 && v[1] == 1 && (v[2] | v[3] | v[4] | v[5]))
				proto_field_ip4(m, SIDE_SRC, "mgmt_ip", v + 2);
			break;
		}
	}
	return true;
}
