/*
 * sll.c - Linux "cooked" capture headers, v1 (LINKTYPE_LINUX_SLL, 113) and
 * v2 (LINKTYPE_LINUX_SLL2, 276), as written by libpcap for "any" devices
 * (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, _SLL2.html).
 * Two variants of one header, kept in one file.
 *
 * SLL:   | pkttype (2) | ARPHRD (2) | addr len (2) | addr (8) | protocol (2) |
 * SLL2:  | protocol (2) | reserved (2) | ifindex (4) | ARPHRD (2) |
 *        | pkttype (1) | addr len (1) | addr (8) |
 * The protocol is an EtherType for the usual link types; for IP the
 * packet's frame starts at the IP header (there is no Ethernet header).
 */
#include "decode/decode_int.h"

#define SLL_HDR_LEN 16
#define SLL2_HDR_LEN 20

static enum dl sll_proto(struct decoder *d, struct packet *p,
			 const struct cursor *c, uint16_t proto)
{
	/* Values below 1536 are Linux pseudo protocols (802.2 LLC, CAN...). */
	if (proto < 0x0600)
		return DL_DONE;
	enum dl next = dec_ethertype(d, p, proto);
	if (next == DL_IPV4 || next == DL_IPV6)
		dec_frame_here(p, c, next); /* the frame is the IP packet */
	return next;
}

enum dl dec_sll(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t proto;
	if (!cursor_has(c, SLL_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_SLL_TRUNCATED, EV_DEC_SLL_TOO_SHORT);
	cursor_skip(c, 14);
	cursor_be16(c, &proto);
	dec_layer(p, "sll", 0);
	return sll_proto(d, p, c, proto);
}

enum dl dec_sll2(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t proto;
	if (!cursor_has(c, SLL2_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_SLL_TRUNCATED, EV_DEC_SLL_TOO_SHORT);
	cursor_be16(c, &proto);
	cursor_skip(c, SLL2_HDR_LEN - 2);
	dec_layer(p, "sll2", 0);
	return sll_proto(d, p, c, proto);
}
