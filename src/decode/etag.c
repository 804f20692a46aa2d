/*
 * etag.c - IEEE 802.1BR E-Tag (EtherType 0x893F), 6 bytes after the TPID:
 *
 *   | E-PCP (3) | E-DEI (1) | ingress E-CID base (12) |
 *   | rsv (2) | GRP (2) | E-CID base (12) | ingress E-CID ext (8) | E-CID ext (8) |
 *   | EtherType (2) |
 * The port extender fields are not kept; decoding goes on with the EtherType.
 */
#include "decode/decode_int.h"

#define ETAG_LEN 8 /* tag body and the next EtherType */

enum dl dec_etag(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t type;
	if (!cursor_has(c, ETAG_LEN))
		return dec_short(d, p, c, EV_DEC_ETAG_TRUNCATED, EV_DEC_ETAG_TOO_SHORT);
	cursor_skip(c, 6);
	cursor_be16(c, &type);
	dec_layer(p, "etag", 0);
	return dec_ethertype(d, p, type);
}
