/*
 * arp.c - ARP (RFC 826): only its presence is recorded; the asset stage
 * reads sender/target fields from the frame itself.
 *
 *   | hw type (16) | proto type (16) | hw len (8) | proto len (8) | op (16) |
 *   | sender hw | sender proto | target hw | target proto |
 */
#include "decode/decode_int.h"

#define ARP_FIXED_LEN 8

enum dl dec_arp(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, ARP_FIXED_LEN))
		return dec_short(d, p, c, EV_DEC_ARP_TRUNCATED, EV_DEC_ARP_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	size_t need = ARP_FIXED_LEN + 2 * ((size_t)h[4] + h[5]);
	dec_layer(p, "arp", LAYER_ARP);
	if (!cursor_has(c, need))
		return dec_short(d, p, c, EV_DEC_ARP_TRUNCATED, EV_DEC_ARP_TOO_SHORT);
	cursor_skip(c, need);
	return DL_DONE;
}
