/*
 * ipv6.c - IPv6 header (RFC 8200) and its extension header chain.
 *
 *   | ver (4) | traffic class (8) | flow label (20)          |
 *   | payload length (16)         | next header (8) | hops (8) |
 *   | source address (128) | destination address (128)       |
 *
 * Extension headers walked (bounded by DECODE_MAX_IP6_EXT): hop-by-hop 0,
 * routing 43, destination options 60, mobility 135, HIP 139, shim6 140
 * (length (n+1)*8), AH 51 (length (n+2)*4), fragment 44 (8 bytes:
 * next, reserved, offset (13) | res (2) | M (1), identification (32)).
 * Fragments are handled as in ipv4.c (outer tunnel fragments reassembled).
 */
#include "decode/decode_int.h"

#define IPV6_HDR_LEN 40
#define IPV6_FRAG_HDR_LEN 8

enum dl dec_ipv6(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, IPV6_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_IPV6_TRUNCATED, EV_DEC_IPV6_BAD_PAYLOAD_LEN);
	const uint8_t *h = cursor_ptr(c);
	if ((h[0] >> 4) != 6) {
		dec_event(d, p, EV_DEC_IPV6_BAD_VERSION);
		return DL_DONE;
	}
	uint32_t plen = rd_be16(h + 4);
	uint32_t l3_off = (uint32_t)c->off;
	bool whole = true;
	if (cursor_has(c, IPV6_HDR_LEN + (size_t)plen)) {
		c->len = c->off + IPV6_HDR_LEN + plen;
	} else {
		whole = false;
		dec_short(d, p, c, EV_DEC_IPV6_TRUNCATED, EV_DEC_IPV6_BAD_PAYLOAD_LEN);
	}
	p->src.family = p->dst.family = 6;
	memcpy(p->src.a, h + 8, 16);
	memcpy(p->dst.a, h + 24, 16);
	p->ttl = h[7];
	p->l3_off = l3_off - (uint32_t)(p->frame - p->data);
	p->l3_len = IPV6_HDR_LEN + plen;
	p->ip_fragment = false;
	p->ip_first_fragment = false;
	uint8_t nh = h[6];
	uint32_t nh_off = l3_off + 6; /* byte that names the next header */
	cursor_skip(c, IPV6_HDR_LEN);
	uint32_t left = plen; /* payload bytes per the header from the cursor */
	dec_layer(p, "ipv6", LAYER_IPV6);

	for (unsigned n = 0;; n++) {
		uint32_t elen;
		if (nh != 0 && nh != 43 && nh != 60 && nh != 135 && nh != 139 &&
		    nh != 140 && nh != 51 && nh != 44)
			break;
		if (n >= DECODE_MAX_IP6_EXT) {
			dec_event(d, p, EV_DEC_IPV6_TOO_MANY_EXT);
			p->ip_proto = nh;
			return DL_DONE;
		}
		if (left < 8) {
			dec_event(d, p, EV_DEC_IPV6_BAD_EXT);
			p->ip_proto = nh;
			return DL_DONE;
		}
		if (!cursor_has(c, 8)) {
			p->ip_proto = nh;
			return dec_short(d, p, c, EV_DEC_IPV6_TRUNCATED, EV_DEC_IPV6_BAD_EXT);
		}
		const uint8_t *e = cursor_ptr(c);
		if (nh == 44) {
			uint16_t fo = rd_be16(e + 2);
			uint32_t foff = (uint32_t)(fo & 0xFFF8);
			bool more = (fo & 1) != 0;
			uint8_t next = e[0];
			uint32_t frag_hdr_off = (uint32_t)c->off;
			cursor_skip(c, IPV6_FRAG_HDR_LEN);
			left -= IPV6_FRAG_HDR_LEN;
			p->ip_proto = next;
			if (!more && foff == 0) { /* atomic fragment */
				nh = next;
				nh_off = frag_hdr_off;
				continue;
			}
			if (d->frag && p->mirror.depth == 0 && !d->in_rebuilt &&
			    whole && (next == 47 || next == 17)) {
				struct frag_key k;
				memset(&k, 0, sizeof(k));
				k.family = 6;
				k.proto = next;
				k.id = rd_be32(e + 4);
				memcpy(k.src, h + 8, 16);
				memcpy(k.dst, h + 24, 16);
				struct frag_piece fp = {
					.pkt = p->data, .l3_off = l3_off,
					.hdr_len = frag_hdr_off, .nh_off = nh_off,
					.next_hdr = next, .off = foff,
					.data = cursor_ptr(c),
					.len = (uint32_t)cursor_left(c),
					.more = more,
				};
				if (foff == 0)
					fp.tunnel = dec_payload_is_tunnel(d, next, fp.data, fp.len);
				enum dl r = dec_frag_input(d, p, &k, &fp);
				if (r != DL_DONE)
					return r;
			}
			if (dec_inner_fragment(d, p, foff == 0))
				return DL_DONE;
			nh = next;
			nh_off = frag_hdr_off;
			continue;
		}
		elen = nh == 51 ? ((uint32_t)e[1] + 2) * 4 : ((uint32_t)e[1] + 1) * 8;
		if (elen > left) {
			dec_event(d, p, EV_DEC_IPV6_BAD_EXT);
			p->ip_proto = nh;
			return DL_DONE;
		}
		if (!cursor_has(c, elen)) {
			p->ip_proto = nh;
			return dec_short(d, p, c, EV_DEC_IPV6_TRUNCATED, EV_DEC_IPV6_BAD_EXT);
		}
		nh_off = (uint32_t)c->off;
		nh = e[0];
		cursor_skip(c, elen);
		left -= elen;
	}
	p->ip_proto = nh;
	d->l4_len = left;
	return dec_ip_proto_next(d, p, nh);
}
