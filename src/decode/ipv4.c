/*
 * ipv4.c - IPv4 header (RFC 791), options skipped, checksum not verified.
 *
 *   | ver (4) | IHL (4) | DSCP/ECN (8) | total length (16)       |
 *   | identification (16)              | flags (3) | offset (13) |
 *   | TTL (8) | protocol (8) | header checksum (16)             |
 *   | source address (32)                                        |
 *   | destination address (32)                                   |
 *   | options (IHL*4 - 20) ...                                   |
 *
 * The cursor is trimmed to the total length (Ethernet padding dropped).
 * Fragments: outside any mirror encapsulation, fragments of a tunnel (GRE,
 * or UDP to a tunnel port; later pieces of GRE/UDP datagrams are held on
 * speculation) go to the reassembly table (frag.c). Other fragments are
 * inner fragments: ip_fragment is set, pieces after the first stop here.
 */
#include "decode/decode_int.h"

#define IPV4_MIN_HDR 20
#define IPV4_MF 0x2000u
#define IPV4_OFFMASK 0x1FFFu

enum dl dec_ip_proto_next(struct decoder *d, struct packet *p, uint8_t proto)
{
	(void)d;
	/* The first piece of a fragmented tunnel that was not reassembled
	 * holds part of an encapsulated frame: not decoded. */
	if (p->ip_fragment && (proto == 47 || proto == 4 || proto == 41))
		return DL_DONE;
	switch (proto) {
	case 6: return DL_TCP;
	case 17: return DL_UDP;
	case 1: return DL_ICMP;
	case 58: return DL_ICMP6;
	case 47: return DL_GRE;
	case 4:  /* IPv4 in IP: an ordinary tunnel, decoding goes on */
		p->ethertype = 0x0800;
		return DL_IPV4;
	case 41: /* IPv6 in IP */
		p->ethertype = 0x86DD;
		return DL_IPV6;
	default:
		return DL_DONE;
	}
}

enum dl dec_ipv4(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, IPV4_MIN_HDR))
		return dec_short(d, p, c, EV_DEC_IPV4_TRUNCATED, EV_DEC_IPV4_BAD_HEADER_LEN);
	const uint8_t *h = cursor_ptr(c);
	if ((h[0] >> 4) != 4) {
		dec_event(d, p, EV_DEC_IPV4_BAD_VERSION);
		return DL_DONE;
	}
	uint32_t hlen = (uint32_t)(h[0] & 0x0F) * 4;
	uint32_t tot = rd_be16(h + 2);
	uint16_t frag = rd_be16(h + 6);
	if (hlen < IPV4_MIN_HDR) {
		dec_event(d, p, EV_DEC_IPV4_BAD_HEADER_LEN);
		return DL_DONE;
	}
	if (!cursor_has(c, hlen))
		return dec_short(d, p, c, EV_DEC_IPV4_TRUNCATED, EV_DEC_IPV4_BAD_HEADER_LEN);
	if (tot < hlen) {
		dec_event(d, p, EV_DEC_IPV4_BAD_TOTAL_LEN);
		return DL_DONE;
	}
	uint32_t l3_off = (uint32_t)c->off;
	bool whole = true;
	if (cursor_has(c, tot)) {
		c->len = c->off + tot; /* drop link-layer padding */
	} else {
		whole = false;
		dec_short(d, p, c, EV_DEC_IPV4_TRUNCATED, EV_DEC_IPV4_BAD_TOTAL_LEN);
	}
	p->src.family = p->dst.family = 4;
	memset(p->src.a, 0, sizeof(p->src.a));
	memset(p->dst.a, 0, sizeof(p->dst.a));
	memcpy(p->src.a, h + 12, 4);
	memcpy(p->dst.a, h + 16, 4);
	p->ttl = h[8];
	p->ip_proto = h[9];
	p->l3_off = l3_off - (uint32_t)(p->frame - p->data);
	p->l3_len = tot;
	p->ip_fragment = false;
	p->ip_first_fragment = false;
	cursor_skip(c, hlen);
	d->l4_len = tot - hlen;
	dec_layer(p, "ipv4", LAYER_IPV4);

	uint32_t foff = (uint32_t)(frag & IPV4_OFFMASK) * 8;
	bool more = (frag & IPV4_MF) != 0;
	if (!more && foff == 0)
		return dec_ip_proto_next(d, p, p->ip_proto);

	if (d->frag && p->mirror.depth == 0 && !d->in_rebuilt && whole &&
	    (p->ip_proto == 47 || p->ip_proto == 17)) {
		struct frag_key k;
		memset(&k, 0, sizeof(k));
		k.family = 4;
		k.proto = p->ip_proto;
		k.id = rd_be16(h + 4);
		memcpy(k.src, h + 12, 4);
		memcpy(k.dst, h + 16, 4);
		struct frag_piece fp = {
			.pkt = p->data, .l3_off = l3_off,
			.hdr_len = (uint32_t)c->off, .off = foff,
			.data = cursor_ptr(c), .len = (uint32_t)cursor_left(c),
			.more = more,
		};
		if (foff == 0)
			fp.tunnel = dec_payload_is_tunnel(d, p->ip_proto, fp.data, fp.len);
		enum dl r = dec_frag_input(d, p, &k, &fp);
		if (r != DL_DONE)
			return r;
	}
	if (dec_inner_fragment(d, p, foff == 0))
		return DL_DONE;
	return dec_ip_proto_next(d, p, p->ip_proto);
}
