/*
 * wlan.c - IEEE 802.11 data frame header (IEEE 802.11-2020 clause 9.2/9.3.2)
 * followed by LLC/SNAP (RFC 1042), as Aruba access points tunnel client
 * traffic in GRE protocol 0x8200.
 *
 *   | frame control (16) | duration (16) | addr1 (48) | addr2 (48) | addr3 (48) |
 *   | sequence control (16) | [addr4 (48) if ToDS and FromDS] |
 *   | [QoS control (16) if QoS subtype] | [HT control (32) if QoS and Order] |
 *   | AA AA 03 | OUI (24) | EtherType (16) |
 * Frame control byte 0: version (2) | type (2) | subtype (4), low bits first;
 * byte 1: ToDS 0x01, FromDS 0x02, ..., Protected 0x40, Order 0x80.
 * Management/control frames, null data and protected frames end decoding.
 */
#include "decode/decode_int.h"

#define WLAN_HDR_LEN 24
#define WLAN_TYPE_DATA 2
#define WLAN_TODS 0x01
#define WLAN_FROMDS 0x02
#define WLAN_PROTECTED 0x40
#define WLAN_ORDER 0x80
#define LLC_SNAP_LEN 8

enum dl dec_wlan(struct decoder *d, struct packet *p, struct cursor *c)
{
	if (!cursor_has(c, WLAN_HDR_LEN))
		return dec_short(d, p, c, EV_DEC_WLAN_TRUNCATED, EV_DEC_WLAN_TOO_SHORT);
	const uint8_t *h = cursor_ptr(c);
	unsigned type = (h[0] >> 2) & 3, subtype = h[0] >> 4;
	uint8_t fl = h[1];
	dec_layer(p, "wlan", 0);
	if (type != WLAN_TYPE_DATA || (subtype & 0x4) || (fl & WLAN_PROTECTED))
		return DL_DONE;
	size_t hlen = WLAN_HDR_LEN;
	if ((fl & WLAN_TODS) && (fl & WLAN_FROMDS))
		hlen += 6;
	if (subtype & 0x8) {
		hlen += 2;
		if (fl & WLAN_ORDER)
			hlen += 4;
	}
	if (!cursor_has(c, hlen + LLC_SNAP_LEN))
		return dec_short(d, p, c, EV_DEC_WLAN_TRUNCATED, EV_DEC_WLAN_TOO_SHORT);
	cursor_skip(c, hlen);
	const uint8_t *l = cursor_ptr(c);
	if (l[0] != 0xAA || l[1] != 0xAA || l[2] != 0x03)
		return DL_DONE;
	cursor_skip(c, LLC_SNAP_LEN);
	return dec_ethertype(d, p, rd_be16(l + 6));
}
