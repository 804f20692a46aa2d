/*
 * arp.c - ARP (RFC 826) for Ethernet/IPv4: the sender's MAC and the IPv4
 * address it claims. Gratuitous and probe packets (sender IP 0) claim none.
 *
 *   | htype (2) | ptype (2) | hlen | plen | op (2) | sha | spa | tha | tpa |
 */
#include "core/cursor.h"
#include "proto/proto.h"

bool proto_arp_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint16_t htype, ptype, op;
	uint8_t hlen, plen, sha[6], spa[4];
	if (!cursor_be16(&c, &htype) || !cursor_be16(&c, &ptype) ||
	    !cursor_u8(&c, &hlen) || !cursor_u8(&c, &plen) || !cursor_be16(&c, &op))
		return proto_bad(m, EV_PROTO_ARP_MALFORMED);
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4)
		return false; /* other hardware: not ours, not malformed */
	if (!cursor_copy(&c, sha, 6) || !cursor_copy(&c, spa, 4))
		return proto_bad(m, EV_PROTO_ARP_MALFORMED);
	proto_set(m, PROTO_ARP, ROLE_NONE, ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "op", "%u", op);
	for (int i = 0; i < 6; i++)
		m->subject[i] = sha[i];
	m->has_subject = true;
	if (spa[0] | spa[1] | spa[2] | spa[3])
		proto_field_ip4(m, SIDE_SUBJECT, "ip", spa);
	return true;
}
