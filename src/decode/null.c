/*
 * null.c - BSD loopback (LINKTYPE_NULL 0: 4-byte address family in the
 * capturing host's byte order; LINKTYPE_LOOP 108: in network byte order)
 * and raw IP (LINKTYPE_RAW 101 / DLT_RAW 12 or 14, LINKTYPE_IPV4 228,
 * LINKTYPE_IPV6 229), where the version nibble picks IPv4 or IPv6.
 * AF values: AF_INET 2 everywhere; AF_INET6 is 24 (NetBSD/OpenBSD),
 * 28 (FreeBSD), 30 (macOS), 10 (Linux). The packet's frame starts at the IP
 * header, after the loopback header.
 */
#include "decode/decode_int.h"

static enum dl af_next(struct decoder *d, struct packet *p,
		       const struct cursor *c, uint32_t af)
{
	switch (af) {
	case 2:
		dec_frame_here(p, c, DL_IPV4);
		return DL_IPV4;
	case 10: case 24: case 28: case 30:
		dec_frame_here(p, c, DL_IPV6);
		return DL_IPV6;
	default:
		dec_event(d, p, EV_DEC_NULL_UNKNOWN_FAMILY);
		return DL_DONE;
	}
}

enum dl dec_null(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint32_t af;
	if (!cursor_has(c, 4))
		return dec_short(d, p, c, EV_DEC_NULL_TRUNCATED, EV_DEC_NULL_TOO_SHORT);
	cursor_le32(c, &af);
	/* Host byte order of the writer: a big-endian writer's 2 reads as
	 * 0x02000000 here. */
	if (af > 0xFFFF)
		af = ((af >> 24) & 0xFF) | ((af >> 8) & 0xFF00);
	dec_layer(p, "null", 0);
	return af_next(d, p, c, af);
}

enum dl dec_loop(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint32_t af;
	if (!cursor_has(c, 4))
		return dec_short(d, p, c, EV_DEC_NULL_TRUNCATED, EV_DEC_NULL_TOO_SHORT);
	cursor_be32(c, &af);
	dec_layer(p, "loop", 0);
	return af_next(d, p, c, af);
}

enum dl dec_rawip(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, 1))
		return dec_short(d, p, c, EV_DEC_IPV4_TRUNCATED, EV_DEC_RAW_BAD_VERSION);
	uint8_t v = cursor_ptr(c)[0] >> 4;
	if (v == 4) {
		p->ethertype = 0x0800;
		return DL_IPV4;
	}
	if (v == 6) {
		p->ethertype = 0x86DD;
		return DL_IPV6;
	}
	dec_event(d, p, EV_DEC_RAW_BAD_VERSION);
	return DL_DONE;
}
