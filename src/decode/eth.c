/*
 * eth.c - Ethernet II / IEEE 802.3 header (IEEE 802.3 clause 3.1).
 *
 *   +-----------------+-----------------+-----------+
 *   | destination (6) | source (6)      | type (2)  |
 *   +-----------------+-----------------+-----------+
 * A type field of 1500 or less is an 802.3 length: an LLC frame follows
 * (STP, CDP, ...), which the decoders do not take further (dec_ethertype).
 */
#include "decode/decode_int.h"

#define ETH_HDR_LEN 14

enum dl dec_eth(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t type;
	if (!cursor_has(c, ETH_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_ETH_TRUNCATED, EV_DEC_ETH_TOO_SHORT);
	cursor_copy(c, p->eth_dst, 6);
	cursor_copy(c, p->eth_src, 6);
	cursor_be16(c, &type);
	dec_layer(p, "eth", LAYER_ETH);
	d->vlan_depth = 0;
	d->mpls_depth = 0;
	return dec_ethertype(d, p, type);
}
