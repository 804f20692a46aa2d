/*
 * tcp.c - TCP header (RFC 9293); options skipped by the data offset.
 *
 *   | source port (16)         | destination port (16)      |
 *   | sequence number (32)                                  |
 *   | acknowledgment number (32)                            |
 *   | offset (4) | rsv (4) | flags (8) | window (16)        |
 *   | checksum (16)            | urgent pointer (16)        |
 *   | options (offset*4 - 20) ...                           |
 */
#include "decode/decode_int.h"

#define TCP_MIN_HDR 20

enum dl dec_tcp(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, TCP_MIN_HDR) || d->l4_len < TCP_MIN_HDR) {
		if (d->l4_len < TCP_MIN_HDR && cursor_has(c, d->l4_len)) {
			dec_event(d, p, EV_DEC_TCP_BAD_HEADER_LEN);
			return DL_DONE;
		}
		return dec_short(d, p, c, EV_DEC_TCP_TRUNCATED, EV_DEC_TCP_BAD_HEADER_LEN);
	}
	const uint8_t *h = cursor_ptr(c);
	p->sport = rd_be16(h);
	p->dport = rd_be16(h + 2);
	p->tcp_seq = rd_be32(h + 4);
	p->tcp_ack = rd_be32(h + 8);
	p->tcp_flags = h[13];
	p->tcp_win = rd_be16(h + 14);
	dec_layer(p, "tcp", LAYER_TCP);
	uint32_t hlen = (uint32_t)(h[12] >> 4) * 4;
	if (hlen < TCP_MIN_HDR || hlen > d->l4_len) {
		dec_event(d, p, EV_DEC_TCP_BAD_HEADER_LEN);
		return DL_DONE;
	}
	if (!cursor_has(c, hlen))
		return dec_short(d, p, c, EV_DEC_TCP_TRUNCATED, EV_DEC_TCP_BAD_HEADER_LEN);
	cursor_skip(c, hlen);
	p->payload = cursor_ptr(c);
	p->payload_len = d->l4_len - hlen;
	p->payload_caplen = (uint32_t)cursor_left(c);
	if (p->payload_caplen > p->payload_len)
		p->payload_caplen = p->payload_len;
	return DL_DONE;
}
