/*
 * arista.c - Arista vendor-specific timestamp header (EtherType 0xD28B,
 * "AVSP") that Arista TAP aggregation and mirror ports insert after the MAC
 * addresses (layout as decoded by tcpdump's print-arista.c and Wireshark):
 *
 *   | sub-type (16) = 1 timestamp | version (16) |
 *   | timestamp: 64-bit = seconds (32) + ns (32), 48-bit = seconds (16) + ns (32) |
 *   | EtherType (16) |
 * version bits 7..4 give the format (1 = 64-bit, 2 = 48-bit), bits 3..0 the
 * hardware; the timestamp is skipped (the sensor does not use it yet).
 */
#include "decode/decode_int.h"

#define ARISTA_SUBTYPE_TS 0x0001
#define ARISTA_FMT_64 1
#define ARISTA_FMT_48 2

enum dl dec_arista(struct decoder *d, struct packet *p, struct cursor *c)
{
	uint16_t sub, ver, type;
	if (!cursor_has(c, 4))
		return dec_short(d, p, c, EV_DEC_ARISTA_TRUNCATED, EV_DEC_ARISTA_TOO_SHORT);
	cursor_be16(c, &sub);
	cursor_be16(c, &ver);
	dec_layer(p, "arista", 0);
	unsigned fmt = (ver >> 4) & 0xF;
	size_t tslen = fmt == ARISTA_FMT_64 ? 8 : fmt == ARISTA_FMT_48 ? 6 : 0;
	if (sub != ARISTA_SUBTYPE_TS || tslen == 0) {
		dec_event(d, p, EV_DEC_ARISTA_UNKNOWN);
		return DL_DONE;
	}
	if (!cursor_has(c, tslen + 2))
		return dec_short(d, p, c, EV_DEC_ARISTA_TRUNCATED, EV_DEC_ARISTA_TOO_SHORT);
	cursor_skip(c, tslen);
	cursor_be16(c, &type);
	return dec_ethertype(d, p, type);
}
