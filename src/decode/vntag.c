/*
 * vntag.c - Cisco VN-Tag (EtherType 0x8926), 4 bytes after the TPID:
 *
 *   | d (1) | p (1) | dst VIF (14) | l (1) | r (1) | ver (2) | src VIF (12) |
 *   | EtherType (2) |
 * The virtual interface fields are not kept; decoding goes on.
 */
#include "decode/decode_int.h"

#define VNTAG_LEN 6 /* tag body and the next EtherType */

enum dl dec_vntag(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t type;
	if (!cursor_has(c, VNTAG_LEN))
		return dec_short(d, p, c, EV_DEC_VNTAG_TRUNCATED, EV_DEC_VNTAG_TOO_SHORT);
	cursor_skip(c, 4);
	cursor_be16(c, &type);
	dec_layer(p, "vntag", 0);
	return dec_ethertype(d, p, type);
}
