/*
 * pbb.c - IEEE 802.1ah provider backbone bridging I-Tag (EtherType 0x88E7,
 * "MAC-in-MAC"): after the tag comes the customer's whole Ethernet frame.
 *
 *   | I-PCP (3) | I-DEI (1) | UCA (1) | res (3) | I-SID (24) |
 *   | customer destination (6) | customer source (6) | EtherType ... |
 * The customer frame's addresses and tags replace the backbone's.
 */
#include "decode/decode_int.h"

#define PBB_ITAG_LEN 4

enum dl dec_pbb(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, PBB_ITAG_LEN))
		return dec_short(d, p, c, EV_DEC_PBB_TRUNCATED, EV_DEC_PBB_TOO_SHORT);
	cursor_skip(c, PBB_ITAG_LEN);
	dec_layer(p, "pbb", 0);
	p->nvlans = 0;
	return DL_ETH;
}
