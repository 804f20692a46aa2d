/*
 * tzsp.c - TaZmen Sniffer Protocol (TZSP), as MikroTik and others send
 * mirrored frames over UDP (configured ports, default 37008).
 *
 *   | version (8) = 1 | type (8) | encapsulation (16) |
 *   | tagged fields: tag (8) [length (8) value ...] ... END (1) |
 *   | the captured frame |
 * type 0 = received packet, 1 = packet for transmit (both carry a frame);
 * encapsulation 1 = Ethernet. Tag 0 is one byte of padding, tag 1 ends the
 * list; the others are skipped by length, at most TZSP_MAX_TAGS of them.
 */
#include "decode/decode_int.h"

#define TZSP_HDR_LEN 4
#define TZSP_TAG_PAD 0
#define TZSP_TAG_END 1
#define TZSP_MAX_TAGS 64
#define TZSP_ENCAP_ETH 1

enum dl dec_tzsp(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint8_t ver, type, tag, len;
	uint16_t encap;
	if (!cursor_has(c, TZSP_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_TZSP_TRUNCATED, EV_DEC_TZSP_TOO_SHORT);
	cursor_u8(c, &ver);
	cursor_u8(c, &type);
	cursor_be16(c, &encap);
	dec_layer(p, "tzsp", LAYER_TZSP);
	if (ver != 1) {
		dec_event(d, p, EV_DEC_TZSP_BAD_VERSION);
		return DL_DONE;
	}
	if (type > 1) {
		dec_event(d, p, EV_DEC_TZSP_NOT_PACKET);
		return DL_DONE;
	}
	for (unsigned n = 0;; n++) {
		if (n >= TZSP_MAX_TAGS) {
			dec_event(d, p, EV_DEC_TZSP_TOO_MANY_TAGS);
			return DL_DONE;
		}
		if (!cursor_u8(c, &tag))
			return dec_short(d, p, c, EV_DEC_TZSP_TRUNCATED, EV_DEC_TZSP_TOO_SHORT);
		if (tag == TZSP_TAG_END)
			break;
		if (tag == TZSP_TAG_PAD)
			continue;
		if (!cursor_u8(c, &len) || !cursor_skip(c, len))
			return dec_short(d, p, c, EV_DEC_TZSP_TRUNCATED, EV_DEC_TZSP_TOO_SHORT);
	}
	if (encap != TZSP_ENCAP_ETH) {
		dec_event(d, p, EV_DEC_TZSP_UNKNOWN_ENCAP);
		return DL_DONE;
	}
	return dec_tunnel_enter(d, p, c, TRANSPORT_TZSP, DL_ETH);
}
