/*
 * dhcp.c - DHCP (RFC 2131, options RFC 2132) on UDP 67/68: the client's
 * MAC (chaddr), host name (option 12), vendor class (option 60) and the
 * address it asks for (50) or is given (yiaddr in an ACK).
 *
 *   | op | htype | hlen | hops | xid (4) | secs (2) | flags (2) | ciaddr |
 *   | yiaddr | siaddr | giaddr | chaddr (16) | sname (64) | file (128) |
 *   | magic 63 82 53 63 | options: code, length, value ... 255 |
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define DHCP_MAX_OPTIONS 64

bool proto_dhcp_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	if (n < 240)
		return proto_bad(m, EV_PROTO_DHCP_MALFORMED);
	uint8_t op = d[0];
	if ((op != 1 && op != 2) || d[1] != 1 || d[2] != 6 ||
	    rd_be32(d + 236) != 0x63825363)
		return proto_bad(m, EV_PROTO_DHCP_MALFORMED);
	bool from_client = op == 1;
	proto_set(m, PROTO_DHCP, from_client ? ROLE_CLIENT : ROLE_SERVER,
		  from_client ? ROLE_SERVER : ROLE_CLIENT);
	for (int i = 0; i < 6; i++)
		m->subject[i] = d[28 + i];
	m->has_subject = true;
	struct cursor c = cursor_make(d + 240, n - 240);
	uint8_t type = 0;
	const uint8_t *req_ip = NULL;
	for (int k = 0; k < DHCP_MAX_OPTIONS; k++) {
		uint8_t code, len;
		if (!cursor_u8(&c, &code) || code == 255)
			break;
		if (code == 0)
			continue;
		if (!cursor_u8(&c, &len) || !cursor_has(&c, len))
			return proto_bad(m, EV_PROTO_DHCP_MALFORMED);
		const uint8_t *v = cursor_ptr(&c);
		switch (code) {
		case 53:
			if (len >= 1)
				type = v[0];
			break;
		case 12:
			proto_field_bytes(m, SIDE_SUBJECT, true, "hostname", v, len);
			break;
		case 60:
			proto_field_bytes(m, SIDE_SUBJECT, true, "vendor_class", v, len);
			break;
		case 50:
			if (len == 4)
				req_ip = v;
			break;
		}
		cursor_skip(&c, len);
	}
	proto_field(m, SIDE_SRC, false, "msg_type", "%u", type);
	if (type == 5 && (d[16] | d[17] | d[18] | d[19])) /* ACK */
		proto_field_ip4(m, SIDE_SUBJECT, "ip", d + 16);
	else if (type == 3 && req_ip) /* REQUEST */
		proto_field(m, SIDE_SRC, false, "requested_ip", "%u.%u.%u.%u",
			    req_ip[0], req_ip[1], req_ip[2], req_ip[3]);
	return true;
}
