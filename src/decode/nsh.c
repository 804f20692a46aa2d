/*
 * nsh.c - Network Service Header (RFC 8300), EtherType 0x894F or VXLAN-GPE
 * next protocol 4; service function chaining metadata in front of a frame.
 *
 *   | ver (2) | O | U | TTL (6) | length (6, in 4-byte words) |
 *   | U (4) | MD type (4) | next protocol (8) |
 *   | service path ID (24) | service index (8) |
 *   | context headers ... (length * 4 - 8 bytes) |
 * next protocol: 1 IPv4, 2 IPv6, 3 Ethernet.
 */
#include "decode/decode_int.h"

#define NSH_BASE_LEN 8

enum dl dec_nsh(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, NSH_BASE_LEN))
		return dec_short(d, p, c, EV_DEC_NSH_TRUNCATED, EV_DEC_NSH_BAD_LENGTH);
	const uint8_t *h = cursor_ptr(c);
	size_t len = (size_t)(h[1] & 0x3F) * 4;
	uint8_t next = h[3];
	if (len < NSH_BASE_LEN) {
		dec_event(d, p, EV_DEC_NSH_BAD_LENGTH);
		return DL_DONE;
	}
	if (!cursor_has(c, len))
		return dec_short(d, p, c, EV_DEC_NSH_TRUNCATED, EV_DEC_NSH_BAD_LENGTH);
	cursor_skip(c, len);
	dec_layer(p, "nsh", 0);
	switch (next) {
	case 1:
		p->ethertype = 0x0800;
		return DL_IPV4;
	case 2:
		p->ethertype = 0x86DD;
		return DL_IPV6;
	case 3:
		p->nvlans = 0;
		return DL_ETH;
	default:
		dec_event(d, p, EV_DEC_NSH_UNKNOWN_NEXT);
		return DL_DONE;
	}
}
