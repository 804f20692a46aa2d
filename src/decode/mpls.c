/*
 * mpls.c - MPLS label stack (RFC 3032) and what follows its bottom: IPv4 or
 * IPv6 chosen by the first nibble, or an Ethernet pseudowire (RFC 4448)
 * whose control word starts with nibble 0 (RFC 4385).
 *
 *   | label (20) | TC (3) | S (1) | TTL (8) |      one stack entry
 *   | 0000 | flags (4) | frag (2) | length (6) | sequence (16) |  PW control word
 *
 * The stack is bounded by DECODE_MAX_MPLS (decode.mpls.too_many_labels).
 */
#include "decode/decode_int.h"

#define MPLS_ENTRY_LEN 4
#define MPLS_BOS 0x100u
#define PW_CW_LEN 4

enum dl dec_mpls(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint32_t e;
	if (!cursor_has(c, MPLS_ENTRY_LEN))
		return dec_short(d, p, c, EV_DEC_MPLS_TRUNCATED, EV_DEC_MPLS_TOO_SHORT);
	if (d->mpls_depth >= DECODE_MAX_MPLS) {
		dec_event(d, p, EV_DEC_MPLS_TOO_MANY);
		return DL_DONE;
	}
	cursor_be32(c, &e);
	d->mpls_depth++;
	if (p->mpls_labels < UINT8_MAX)
		p->mpls_labels++;
	dec_layer(p, "mpls", LAYER_MPLS);
	if (!(e & MPLS_BOS))
		return DL_MPLS;
	if (!cursor_has(c, 1))
		return dec_short(d, p, c, EV_DEC_MPLS_TRUNCATED, EV_DEC_MPLS_TOO_SHORT);
	switch (cursor_ptr(c)[0] >> 4) {
	case 4:
		p->ethertype = 0x0800;
		return DL_IPV4;
	case 6:
		p->ethertype = 0x86DD;
		return DL_IPV6;
	case 0:
		return DL_PWETH;
	default:
		dec_event(d, p, EV_DEC_MPLS_UNKNOWN_PAYLOAD);
		return DL_DONE;
	}
}

enum dl dec_pweth(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, PW_CW_LEN))
		return dec_short(d, p, c, EV_DEC_MPLS_TRUNCATED, EV_DEC_MPLS_TOO_SHORT);
	cursor_skip(c, PW_CW_LEN);
	dec_layer(p, "pwcw", 0);
	/* The pseudowire carries a whole customer frame: new Ethernet. */
	p->nvlans = 0;
	d->vlan_depth = 0;
	return DL_ETH;
}
