/*
 * hartip.c - HART-IP (FieldComm Group HCF_SPEC-085) on UDP/TCP 5094:
 * message type and ID, and for pass-through HART PDUs the command and the
 * field device's long address (manufacturer / device type / device ID).
 *
 *   header: | version | type | msg ID | status | sequence (2) | byte count (2) |
 *           type: 0 request, 1 response, 2 publish, 3 error, 15 NAK
 *           msg ID: 0 session initiate, 1 close, 2 keep alive, 3 pass-through
 *   HART PDU: | delimiter | address (1, or 5 if delimiter bit 7) | command |
 *             | byte count | [response: 2 status bytes] | data |
 */
#include "core/cursor.h"
#include "proto/proto.h"

bool proto_hartip_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint8_t ver, type, id, status;
	uint16_t seq, count;
	if (!cursor_u8(&c, &ver) || !cursor_u8(&c, &type) || !cursor_u8(&c, &id) ||
	    !cursor_u8(&c, &status) || !cursor_be16(&c, &seq) ||
	    !cursor_be16(&c, &count) || ver == 0 || ver > 2 || count < 8 ||
	    (type > 3 && type != 15) || id > 4)
		return proto_bad(m, EV_PROTO_HARTIP_MALFORMED);
	bool request = type == 0;
	proto_set(m, PROTO_HARTIP, request ? ROLE_CLIENT : ROLE_SERVER,
		  request ? ROLE_SERVER : ROLE_CLIENT);
	proto_field(m, SIDE_SRC, false, "msg", "%u/%u", type, id);
	if (id != 3)
		return true;
	uint8_t delim, cmd;
	/* Preambles (0xFF) may precede the delimiter. */
	for (int i = 0; i < 20 && cursor_has(&c, 1) && *cursor_ptr(&c) == 0xff; i++)
		cursor_skip(&c, 1);
	if (!cursor_u8(&c, &delim))
		return true;
	if (delim & 0x80) {
		uint8_t a[5];
		if (!cursor_copy(&c, a, 5))
			return true;
		/* The field device sits behind the HART-IP end that answers. */
		proto_field(m, request ? SIDE_DST : SIDE_SRC, true, "hart_device",
			    "%02x%02x%02x%02x%02x", a[0] & 0x3f, a[1], a[2], a[3], a[4]);
	} else if (!cursor_skip(&c, 1)) {
		return true;
	}
	if (cursor_u8(&c, &cmd))
		proto_field(m, SIDE_SRC, false, "hart_cmd", "%u", cmd);
	return true;
}
