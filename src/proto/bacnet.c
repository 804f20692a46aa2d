/*
 * bacnet.c - BACnet/IP (ASHRAE 135, Annex J BVLL; clause 6 NPDU; clause
 * 20 APDU encoding) on UDP 47808: BVLC function, Who-Is, and I-Am
 * answers, which name the device instance and vendor ID.
 *
 *   BVLC: | 0x81 | function | length (2) | [Forwarded-NPDU: origin B/IP (6)] |
 *   NPDU: | version 1 | control | [DNET(2) DLEN DADR] [SNET(2) SLEN SADR] [hops] |
 *         control 0x80 network message, 0x20 DNET present, 0x08 SNET present
 *   APDU: type in the high nibble: 0 confirmed request, 1 unconfirmed
 *         request, 2 simple ack, 3 complex ack, 5 error, 6 reject, 7 abort.
 *   I-Am (unconfirmed service 0): object identifier (application tag 12,
 *   4 bytes: type 10 bits, instance 22 bits), max APDU (unsigned),
 *   segmentation (enumerated), vendor ID (unsigned).
 */
#include "core/cursor.h"
#include "proto/proto.h"

/* One application-tagged value (clause 20.2.1); false if it does not fit. */
static bool app_tag(struct cursor *c, uint8_t *tag, uint32_t *val)
{
	uint8_t b;
	if (!cursor_u8(c, &b) || (b & 0x08))
		return false; /* context tags are not used in I-Am */
	*tag = b >> 4;
	uint8_t len = b & 7;
	if (len > 4)
		return false;
	uint32_t v = 0;
	for (uint8_t i = 0; i < len; i++) {
		uint8_t x;
		if (!cursor_u8(c, &x))
			return false;
		v = (v << 8) | x;
	}
	*val = v;
	return true;
}

static void i_am(struct proto_msg *m, struct cursor *c)
{
	uint8_t tag;
	uint32_t oid, maxapdu, seg, vendor;
	if (!app_tag(c, &tag, &oid) || tag != 12)
		return;
	proto_field(m, SIDE_SRC, true, "device_instance", "%u", oid & 0x3fffff);
	if (!app_tag(c, &tag, &maxapdu) || tag != 2 || !app_tag(c, &tag, &seg) ||
	    tag != 9 || !app_tag(c, &tag, &vendor) || tag != 2)
		return;
	proto_field(m, SIDE_SRC, true, "vendor_id", "%u", vendor);
}

bool proto_bacnet_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint8_t type, fn;
	uint16_t len;
	if (!cursor_u8(&c, &type) || type != 0x81 || !cursor_u8(&c, &fn) ||
	    !cursor_be16(&c, &len) || len < 4 || fn > 0x0c)
		return proto_bad(m, EV_PROTO_BACNET_MALFORMED);
	proto_set(m, PROTO_BACNET, ROLE_NONE, ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "bvlc", "0x%02x", fn);
	if (fn == 0x04 && !cursor_skip(&c, 6))
		return true;
	if (fn != 0x04 && fn != 0x0a && fn != 0x0b && fn != 0x09)
		return true; /* BVLL management: no NPDU */
	uint8_t ver, ctl;
	if (!cursor_u8(&c, &ver) || ver != 1 || !cursor_u8(&c, &ctl))
		return true;
	if (ctl & 0x20) {
		uint8_t dlen;
		if (!cursor_skip(&c, 2) || !cursor_u8(&c, &dlen) || !cursor_skip(&c, dlen))
			return true;
	}
	if (ctl & 0x08) {
		uint8_t slen;
		if (!cursor_skip(&c, 2) || !cursor_u8(&c, &slen) || !cursor_skip(&c, slen))
			return true;
	}
	if ((ctl & 0x20) && !cursor_skip(&c, 1))
		return true;
	if (ctl & 0x80) {
		uint8_t mt;
		if (cursor_u8(&c, &mt))
			proto_field(m, SIDE_SRC, false, "network_msg", "0x%02x", mt);
		return true;
	}
	uint8_t pdu, svc;
	if (!cursor_u8(&c, &pdu))
		return true;
	uint8_t ptype = pdu >> 4;
	switch (ptype) {
	case 0: /* confirmed request: max segs, invoke id, [seq, window], service */
		if (!cursor_skip(&c, 2) || ((pdu & 0x08) && !cursor_skip(&c, 2)) ||
		    !cursor_u8(&c, &svc))
			return true;
		m->src_role = ROLE_CLIENT;
		m->dst_role = ROLE_SERVER;
		proto_field(m, SIDE_SRC, false, "confirmed", "%u", svc);
		break;
	case 1:
		if (!cursor_u8(&c, &svc))
			return true;
		proto_field(m, SIDE_SRC, false, "unconfirmed", "%u", svc);
		if (svc == 0) {        /* I-Am: the sender is a device */
			m->src_role = ROLE_SERVER;
			i_am(m, &c);
		} else if (svc == 8) { /* Who-Is */
			m->src_role = ROLE_CLIENT;
		}
		break;
	case 2: case 3: case 5: case 6:
		m->src_role = ROLE_SERVER;
		m->dst_role = ROLE_CLIENT;
		proto_field(m, SIDE_SRC, false, "apdu", "%u", ptype);
		break;
	default:
		break;
	}
	return true;
}
