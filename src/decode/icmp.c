/*
 * icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443): type and code.
 *
 *   | type (8) | code (8) | checksum (16) | message body ... |
 * Errors quoting an inner header are not followed (that header is a copy).
 */
#include "decode/decode_int.h"

#define ICMP_MIN_HDR 4

static enum dl icmp_common(struct decoder *d, struct packet *p, struct cursor *c,
			   const char *name, uint32_t bit)
{
	if (!cursor_has(c, ICMP_MIN_HDR) || d->l4_len < ICMP_MIN_HDR) {
		if (d->l4_len < ICMP_MIN_HDR && cursor_has(c, d->l4_len)) {
			dec_event(d, p, EV_DEC_ICMP_TOO_SHORT);
			return DL_DONE;
		}
		return dec_short(d, p, c, EV_DEC_ICMP_TRUNCATED, EV_DEC_ICMP_TOO_SHORT);
	}
	cursor_u8(c, &p->icmp_type);
	cursor_u8(c, &p->icmp_code);
	dec_layer(p, name, bit);
	return DL_DONE;
}

enum dl dec_icmp(struct decoder *d, struct packet *p, struct cursor *c)
{
	return icmp_common(d, p, c, "icmp", LAYER_ICMP);
}

enum dl dec_icmp6(struct decoder *d, struct packet *p, struct cursor *c)
{
	return icmp_common(d, p, c, "icmp6", LAYER_ICMP6);
}
