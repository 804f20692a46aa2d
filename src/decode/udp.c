/*
 * udp.c - UDP header (RFC 768) and the tunnels found by destination port:
 * VXLAN (config, default 4789), Geneve (config, 6081), TZSP (config, 37008),
 * GRE-in-UDP (RFC 8086, 4754), VXLAN-GPE (4790).
 *
 *   | source port (16) | destination port (16) |
 *   | length (16)      | checksum (16)         |
 */
#include "decode/decode_int.h"

#define UDP_HDR_LEN 8

enum dl dec_udp(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, UDP_HDR_LEN) || d->l4_len < UDP_HDR_LEN) {
		if (d->l4_len < UDP_HDR_LEN && cursor_has(c, d->l4_len)) {
			dec_event(d, p, EV_DEC_UDP_BAD_LEN);
			return DL_DONE;
		}
		return dec_short(d, p, c, EV_DEC_UDP_TRUNCATED, EV_DEC_UDP_BAD_LEN);
	}
	const uint8_t *h = cursor_ptr(c);
	p->sport = rd_be16(h);
	p->dport = rd_be16(h + 2);
	uint32_t ulen = rd_be16(h + 4);
	dec_layer(p, "udp", LAYER_UDP);
	cursor_skip(c, UDP_HDR_LEN);
	/* A first fragment's UDP length covers the whole datagram. */
	if (ulen < UDP_HDR_LEN || (ulen > d->l4_len && !p->ip_fragment)) {
		dec_event(d, p, EV_DEC_UDP_BAD_LEN);
		return DL_DONE;
	}
	p->payload = cursor_ptr(c);
	p->payload_len = ulen - UDP_HDR_LEN;
	p->payload_caplen = (uint32_t)cursor_left(c);
	if (p->payload_caplen > p->payload_len)
		p->payload_caplen = p->payload_len;
	else if (!p->ip_fragment)
		c->len = c->off + p->payload_caplen; /* bytes past the UDP length */
	if (p->ip_fragment)
		return DL_DONE; /* an incomplete tunnel payload is not decoded */
	return dec_udp_tunnel(d, p->dport);
}
