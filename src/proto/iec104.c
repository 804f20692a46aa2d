/*
 * iec104.c - IEC 60870-5-104 on TCP 2404: APCI frame types (I, S, U), and
 * for I frames the ASDU type ID, cause of transmission and common address.
 *
 *   APCI: | 0x68 | length | ctrl1 | ctrl2 | ctrl3 | ctrl4 |
 *         I: ctrl1 bit0 = 0; S: ctrl1 & 3 = 1; U: ctrl1 & 3 = 3
 *   ASDU: | type ID | VSQ | COT | originator | common address (2, LE) | ...
 *
 * The end with port 2404 is the controlled station (outstation); the
 * other opens the connection and is the controlling station.
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define IEC104_PORT 2404
#define IEC104_MAX_APDUS 16

bool proto_iec104_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	bool to_controlled = m->pkt->dport == IEC104_PORT;
	enum proto_side controlled = to_controlled ? SIDE_DST : SIDE_SRC;
	struct cursor c = cursor_make(d, n);
	unsigned k = 0;
	uint16_t last_ca = 0xffff;
	while (cursor_left(&c) >= 6 && k < IEC104_MAX_APDUS) {
		const uint8_t *a = cursor_ptr(&c);
		uint8_t len = a[1];
		if (a[0] != 0x68 || len < 4)
			break;
		if (!k)
			proto_set(m, PROTO_IEC104,
				  to_controlled ? ROLE_CONTROLLING : ROLE_CONTROLLED,
				  to_controlled ? ROLE_CONTROLLED : ROLE_CONTROLLING);
		k++;
		if ((a[2] & 1) == 0) {
			if (len >= 10 && cursor_has(&c, 12)) {
				uint16_t ca = (uint16_t)(a[10] | (a[11] << 8));
				proto_field(m, SIDE_SRC, false, "apci", "I");
				proto_field(m, SIDE_SRC, false, "type_id", "%u", a[6]);
				proto_field(m, SIDE_SRC, false, "cot", "%u", a[8] & 0x3f);
				if (ca != last_ca)
					proto_field(m, controlled, true, "common_address",
						    "%u", ca);
				last_ca = ca;
			}
		} else if ((a[2] & 3) == 1) {
			proto_field(m, SIDE_SRC, false, "apci", "S");
		} else {
			proto_field(m, SIDE_SRC, false, "apci", "U:0x%02x", a[2]);
		}
		if (!cursor_skip(&c, 2u + len))
			break;
	}
	return k ? true : proto_bad(m, EV_PROTO_IEC104_MALFORMED);
}
