/*
 * cdp.c - Cisco Discovery Protocol v1/v2 (802.3 + LLC/SNAP, OUI 00000C,
 * PID 0x2000): device ID, port ID, platform, software version,
 * capabilities and addresses of the sending switch or router.
 *
 *   | version | TTL | checksum (2) | TLVs: | type (2) | length (2, incl. 4) | value |
 *   1 device ID, 2 addresses, 3 port ID, 4 capabilities (4 bytes: 0x01
 *   router, 0x08 switch), 5 software version, 6 platform, 0x16 management
 *   addresses. Address list: | count (4) | { ptype | plen | proto | alen (2) | addr } |
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define CDP_MAX_TLVS 64

static void addresses(struct proto_msg *m, const uint8_t *v, uint16_t len,
		      const char *key)
{
	struct cursor c = cursor_make(v, len);
	uint32_t count;
	if (!cursor_be32(&c, &count))
		return;
	for (uint32_t i = 0; i < count && i < 4; i++) {
		uint8_t ptype, plen;
		uint16_t alen;
		if (!cursor_u8(&c, &ptype) || !cursor_u8(&c, &plen) || !cursor_has(&c, plen))
			return;
		bool ip = ptype == 1 && plen == 1 && *cursor_ptr(&c) == 0xcc;
		cursor_skip(&c, plen);
		if (!cursor_be16(&c, &alen) || !cursor_has(&c, alen))
			return;
		if (ip && alen == 4)
			proto_field_ip4(m, SIDE_SRC, key, cursor_ptr(&c));
		cursor_skip(&c, alen);
	}
}

bool proto_cdp_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint8_t ver, ttl;
	uint16_t sum;
	if (!cursor_u8(&c, &ver) || !cursor_u8(&c, &ttl) || !cursor_be16(&c, &sum) ||
	    ver < 1 || ver > 2)
		return proto_bad(m, EV_PROTO_CDP_MALFORMED);
	proto_set(m, PROTO_CDP, ROLE_NONE, ROLE_NONE);
	for (int k = 0; k < CDP_MAX_TLVS && cursor_left(&c) >= 4; k++) {
		uint16_t type, len;
		cursor_be16(&c, &type);
		cursor_be16(&c, &len);
		if (len < 4 || !cursor_has(&c, len - 4u))
			return proto_bad(m, EV_PROTO_CDP_MALFORMED);
		const uint8_t *v = cursor_ptr(&c);
		uint16_t vl = len - 4u;
		cursor_skip(&c, vl);
		switch (type) {
		case 0x0001:
			proto_field_bytes(m, SIDE_SRC, true, "system_name", v, vl);
			break;
		case 0x0002:
			addresses(m, v, vl, "ip");
			break;
		case 0x0003:
			proto_field_bytes(m, SIDE_SRC, true, "port_id", v, vl);
			break;
		case 0x0004:
			if (vl == 4) {
				uint32_t cap = rd_be32(v);
				if (cap & 0x0a)
					m->src_role = ROLE_BRIDGE;
				proto_field(m, SIDE_SRC, false, "capabilities", "0x%08x", cap);
			}
			break;
		case 0x0005: {
			/* First line of the version banner. */
			uint16_t l = 0;
			while (l < vl && v[l] != '\n' && v[l] != '\r')
				l++;
			proto_field_bytes(m, SIDE_SRC, true, "software", v, l);
			break;
		}
		case 0x0006:
			proto_field_bytes(m, SIDE_SRC, true, "platform", v, vl);
			break;
		case 0x0016:
			addresses(m, v, vl, "mgmt_ip");
			break;
		}
	}
	return true;
}
