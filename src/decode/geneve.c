/*
 * geneve.c - Geneve (RFC 8926) on the configured UDP ports (default 6081).
 *
 *   | Ver (2) | Opt Len (6) | O | C | Rsvd (6) | Protocol Type (16) |
 *   | Virtual Network Identifier (24)           | Reserved (8)       |
 *   | options (Opt Len * 4 bytes), skipped by length                  |
 * Protocol types: 0x6558 Ethernet, 0x0800 IPv4, 0x86DD IPv6. An AWS
 * gateway load balancer wraps VXLAN mirror traffic in Geneve with an IPv4
 * payload: the UDP decoder then finds the VXLAN inside (nested mirror,
 * see decode.c for the context kept).
 */
#include "decode/decode_int.h"

#define GENEVE_HDR_LEN 8

enum dl dec_geneve(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, GENEVE_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_GENEVE_TRUNCATED, EV_DEC_GENEVE_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	dec_layer(p, "geneve", LAYER_GENEVE);
	if ((h[0] >> 6) != 0) {
		dec_event(d, p, EV_DEC_GENEVE_BAD_VERSION);
		return DL_DONE;
	}
	size_t optlen = (size_t)(h[0] & 0x3F) * 4;
	uint16_t proto = rd_be16(h + 2);
	uint32_t vni = ((uint32_t)h[4] << 16) | ((uint32_t)h[5] << 8) | h[6];
	if (!cursor_has(c, GENEVE_HDR_LEN + optlen))
		return dec_short(d, p, c, EV_DEC_GENEVE_TRUNCATED, EV_DEC_GENEVE_TOO_SHORT);
	enum dl next;
	switch (proto) {
	case 0x6558: next = DL_ETH; break;
	case 0x0800: next = DL_IPV4; break;
	case 0x86DD: next = DL_IPV6; break;
	default:
		dec_event(d, p, EV_DEC_GENEVE_UNKNOWN_PROTO);
		return DL_DONE;
	}
	cursor_skip(c, GENEVE_HDR_LEN + optlen);
	next = dec_tunnel_enter(d, p, c, TRANSPORT_GENEVE, next);
	if (next != DL_DONE) {
		p->mirror.session = vni;
		p->mirror.has_session = true;
		if (next != DL_ETH)
			p->ethertype = proto;
	}
	return next;
}
