/*
 * modbus.c - Modbus/TCP (Modbus Application Protocol v1.1b3, Modbus
 * Messaging on TCP/IP Implementation Guide v1.0b): unit IDs, function
 * codes, exceptions, and Read Device Identification (FC 43 / MEI 14)
 * answers: vendor name, product code, revision.
 *
 *   0       2       4       6    7    8
 *   +-------+-------+-------+----+----+---------
 *   | trans | proto | len   |unit| fc | data...   len counts unit + fc + data
 *   +-------+-------+-------+----+----+---------
 *
 * A segment can hold several frames; each is parsed. The side that uses
 * port 502 is the server.
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define MODBUS_PORT 502
#define MODBUS_MAX_FRAMES 16     /* frames parsed per segment */
#define MODBUS_MAX_OBJECTS 16    /* device identification objects read */

static const char *const devid_names[] = {
	"vendor", "product_code", "revision", "vendor_url", "product",
	"model", "application",
};

static void read_device_id(struct proto_msg *m, struct cursor *c,
			   enum proto_side server)
{
	uint8_t mei, code, conformity, more, next, nobj;
	if (!cursor_u8(c, &mei) || mei != 0x0e)
		return;
	if (!cursor_u8(c, &code) || !cursor_u8(c, &conformity) ||
	    !cursor_u8(c, &more) || !cursor_u8(c, &next) || !cursor_u8(c, &nobj))
		return; /* a request: only the code */
	(void)code; (void)conformity; (void)more; (void)next;
	for (unsigned i = 0; i < nobj && i < MODBUS_MAX_OBJECTS; i++) {
		uint8_t id, len;
		if (!cursor_u8(c, &id) || !cursor_u8(c, &len) || !cursor_has(c, len))
			return;
		if (id < sizeof(devid_names) / sizeof(devid_names[0]))
			proto_field_bytes(m, server, true, devid_names[id],
					  cursor_ptr(c), len);
		cursor_skip(c, len);
	}
}

bool proto_modbus_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	const struct packet *p = m->pkt;
	bool request = p->dport == MODBUS_PORT;
	enum proto_side server = request ? SIDE_DST : SIDE_SRC;
	struct cursor c = cursor_make(d, n);
	unsigned frames = 0;
	while (cursor_left(&c) > 0 && frames < MODBUS_MAX_FRAMES) {
		uint16_t tid, pid, len;
		uint8_t unit, fc;
		if (!cursor_be16(&c, &tid) || !cursor_be16(&c, &pid) ||
		    !cursor_be16(&c, &len) || pid != 0 || len < 2 || len > 254)
			return frames ? true : proto_bad(m, EV_PROTO_MODBUS_MALFORMED);
		struct cursor pdu = cursor_make(cursor_ptr(&c),
						cursor_left(&c) < len ? cursor_left(&c) : len);
		if (!cursor_u8(&pdu, &unit) || !cursor_u8(&pdu, &fc))
			return frames ? true : proto_bad(m, EV_PROTO_MODBUS_MALFORMED);
		if (fc == 0)
			return frames ? true : proto_bad(m, EV_PROTO_MODBUS_MALFORMED);
		if (!frames)
			proto_set(m, PROTO_MODBUS, request ? ROLE_CLIENT : ROLE_SERVER,
				  request ? ROLE_SERVER : ROLE_CLIENT);
		frames++;
		proto_field(m, server, true, "unit_id", "%u", unit);
		proto_field(m, SIDE_SRC, false, "fc", "%u", fc & 0x7f);
		if (fc & 0x80) {
			uint8_t exc;
			if (cursor_u8(&pdu, &exc))
				proto_field(m, SIDE_SRC, false, "exception", "%u", exc);
		} else if (fc == 43 && !request) {
			read_device_id(m, &pdu, server);
		} else if (fc == 43) {
			uint8_t mei;
			if (cursor_u8(&pdu, &mei))
				proto_field(m, SIDE_SRC, false, "mei", "%u", mei);
		}
		if (!cursor_skip(&c, len))
			break; /* frame continues in the next segment */
	}
	return frames > 0;
}
