/*
 * erspan.c - ERSPAN type II and type III headers (draft-foschiano-erspan,
 * Linux include/net/erspan.h). Type I has no header (see gre.c).
 *
 * Type II (GRE 0x88BE with the S bit), 8 bytes:
 *   | Ver=1 (4) | VLAN (12) | COS (3) | En (2) | T (1) | Session ID (10) |
 *   | Reserved (12)                   | Index (20)                       |
 *
 * Type III (GRE 0x22EB), 12 bytes:
 *   | Ver=2 (4) | VLAN (12) | COS (3) | BSO (2) | T (1) | Session ID (10) |
 *   | Timestamp (32)                                                      |
 *   | SGT (16) | P (1) | FT (5) | Hw ID (6) | D (1) | Gra (2) | O (1)      |
 * and, when O is set, an 8-byte platform specific sub-header:
 *   | Platf ID (6) | platform specific (58) |
 *   Platf ID 1:    | reserved (14) | VSM domain ID (12) | port index (32) |
 *   Platf ID 3:    | reserved (12) | port index (14) | timestamp seconds (32) |
 *   Platf ID 5, 6: | switch ID (10) | port index (16) | timestamp seconds (32) |
 *   Platf ID 7:    | reserved (10) | source index (16) | timestamp seconds (32) |
 *
 * Granularity (Gra): 0 = 100 us, 1 = 100 ns, 2 = IEEE 1588 (the 32-bit field
 * holds nanoseconds, the seconds are in the platform sub-header of ID 3/5/6
 * when present), 3 = platform specific. hw_ts keeps the raw value
 * ((seconds << 32) | field for 1588 with seconds); hw_ts_ns is set when the
 * units are known (1588 only with the seconds).
 * FT != 0: the payload is not Ethernet; FT 2 (IP) is decoded as raw IP,
 * others are counted (decode.erspan.not_ethernet) and not decoded.
 */
#include "decode/decode_int.h"

#define ERSPAN2_HDR_LEN 8
#define ERSPAN3_HDR_LEN 12
#define ERSPAN3_PLAT_LEN 8
#define ERSPAN_FT_ETH 0
#define ERSPAN_FT_IP 2

/* First word, shared by II and III. */
static void erspan_word0(struct packet *p, uint32_t w)
{
	struct mirror_ctx *m = &p->mirror;
	m->erspan_vlan = (uint16_t)((w >> 16) & 0x0FFF);
	m->cos = (uint8_t)((w >> 13) & 0x7);
	m->erspan_en = (uint8_t)((w >> 11) & 0x3);
	m->truncated = ((w >> 10) & 1) != 0;
	m->session = w & 0x3FF;
	m->has_session = true;
}

enum dl dec_erspan2(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint32_t w0, w1;
	if (!cursor_has(c, ERSPAN2_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_ERSPAN_TRUNCATED, EV_DEC_ERSPAN_TOO_SHORT);
	cursor_be32(c, &w0);
	cursor_be32(c, &w1);
	dec_layer(p, "erspan2", LAYER_ERSPAN);
	if ((w0 >> 28) != 1) {
		dec_event(d, p, EV_DEC_ERSPAN_BAD_VERSION);
		return DL_DONE;
	}
	erspan_word0(p, w0);
	p->mirror.port_index = w1 & 0xFFFFF;
	return dec_tunnel_enter(d, p, c, TRANSPORT_ERSPAN2, DL_ETH);
}

enum dl dec_erspan3(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint32_t w0, ts, w2;
	if (!cursor_has(c, ERSPAN3_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_ERSPAN_TRUNCATED, EV_DEC_ERSPAN_TOO_SHORT);
	cursor_be32(c, &w0);
	cursor_be32(c, &ts);
	cursor_be32(c, &w2);
	dec_layer(p, "erspan3", LAYER_ERSPAN);
	if ((w0 >> 28) != 2) {
		dec_event(d, p, EV_DEC_ERSPAN_BAD_VERSION);
		return DL_DONE;
	}
	struct mirror_ctx *m = &p->mirror;
	erspan_word0(p, w0);
	m->sgt = (uint16_t)(w2 >> 16);
	m->ft = (uint8_t)((w2 >> 10) & 0x1F);
	m->hwid = (uint8_t)((w2 >> 4) & 0x3F);
	m->dir = (w2 & 0x8) ? MIRROR_DIR_EGRESS : MIRROR_DIR_INGRESS;
	m->gra = (uint8_t)((w2 >> 1) & 0x3);
	bool o = (w2 & 1) != 0;
	bool have_secs = false;
	uint32_t secs = 0;
	if (o) {
		uint32_t hi, lo;
		if (!cursor_has(c, ERSPAN3_PLAT_LEN))
			return dec_short(d, p, c, EV_DEC_ERSPAN_TRUNCATED, EV_DEC_ERSPAN_TOO_SHORT);
		cursor_be32(c, &hi);
		cursor_be32(c, &lo);
		unsigned platf = hi >> 26;
		switch (platf) {
		case 1:
			m->port_index = lo;
			break;
		case 3:
			m->port_index = hi & 0x3FFF;
			secs = lo;
			have_secs = true;
			break;
		case 5: case 6: case 7:
			m->port_index = hi & 0xFFFF;
			secs = lo;
			have_secs = true;
			break;
		default:
			break;
		}
	}
	m->has_hw_ts = true;
	m->hw_ts = ts;
	m->has_hw_ts_ns = true;
	switch (m->gra) {
	case 0:
		m->hw_ts_ns = (uint64_t)ts * 100000u;
		break;
	case 1:
		m->hw_ts_ns = (uint64_t)ts * 100u;
		break;
	case 2:
		if (have_secs) {
			m->hw_ts = ((uint64_t)secs << 32) | ts;
			m->hw_ts_ns = (uint64_t)secs * 1000000000u + ts;
		} else {
			m->has_hw_ts_ns = false;
			m->hw_ts_ns = 0;
		}
		break;
	default:
		m->has_hw_ts_ns = false;
		m->hw_ts_ns = 0;
		break;
	}
	if (m->ft == ERSPAN_FT_ETH)
		return dec_tunnel_enter(d, p, c, TRANSPORT_ERSPAN3, DL_ETH);
	if (m->ft == ERSPAN_FT_IP)
		return dec_tunnel_enter(d, p, c, TRANSPORT_ERSPAN3, DL_RAWIP);
	dec_event(d, p, EV_DEC_ERSPAN_NOT_ETHERNET);
	dec_tunnel_enter(d, p, c, TRANSPORT_ERSPAN3, DL_DONE);
	return DL_DONE;
}
