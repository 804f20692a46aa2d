/*
 * pppoe.c - PPPoE session stage (RFC 2516, EtherType 0x8864) and the PPP
 * protocol field that follows (RFC 1661): IPv4 0x0021, IPv6 0x0057.
 *
 *   | ver (4) | type (4) | code (8) | session ID (16) | length (16) |
 *   | PPP protocol (16) |
 * Only version 1 type 1 is PPPoE; other PPP protocols (LCP...) end decoding.
 */
#include "decode/decode_int.h"

#define PPPOE_HDR_LEN 6
#define PPP_PROTO_LEN 2

enum dl dec_pppoe(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint8_t vt;
	uint16_t proto;
	if (!cursor_has(c, PPPOE_HDR_LEN + PPP_PROTO_LEN))
		return dec_short(d, p, c, EV_DEC_PPPOE_TRUNCATED, EV_DEC_PPPOE_TOO_SHORT);
	cursor_u8(c, &vt);
	if (vt != 0x11) {
		dec_event(d, p, EV_DEC_PPPOE_BAD_VERSION);
		return DL_DONE;
	}
	cursor_skip(c, PPPOE_HDR_LEN - 1);
	cursor_be16(c, &proto);
	dec_layer(p, "pppoe", 0);
	switch (proto) {
	case 0x0021:
		p->ethertype = 0x0800;
		return DL_IPV4;
	case 0x0057:
		p->ethertype = 0x86DD;
		return DL_IPV6;
	default:
		return DL_DONE;
	}
}
