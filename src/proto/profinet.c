/*
 * profinet.c - PROFINET (IEC 61158-6-10) on EtherType 0x8892: the frame
 * ID tells real-time cyclic data from DCP; DCP Identify and Get answers
 * and Set requests carry the station name, vendor and device IDs, the
 * device role and the IP suite.
 *
 *   | frame ID (2) | DCP: service ID | service type | xid (4) |
 *   | response delay / reserved (2) | data length (2) | blocks |
 *   block: | option | suboption | length (2) | [block info / qualifier (2)] | data | pad to even
 *   frame IDs: 0xFEFC hello, 0xFEFD get/set, 0xFEFE identify request,
 *   0xFEFF identify response; 0x8000-0xFBFF cyclic real-time data
 *   options: 1/2 IP (ip, mask, gateway); 2/1 type of station (vendor
 *   text); 2/2 name of station; 2/3 vendor ID + device ID; 2/4 role
 *   (0x01 IO device, 0x02 IO controller, 0x04 multidevice, 0x08 supervisor)
 */
#include <stdio.h>

#include "core/cursor.h"
#include "proto/proto.h"

#define DCP_MAX_BLOCKS 32

static void dcp_block(struct proto_msg *m, uint8_t opt, uint8_t sub,
		      const uint8_t *v, uint16_t len)
{
	if (opt == 1 && sub == 2 && len >= 12) {
		proto_field_ip4(m, SIDE_SRC, "ip", v);
	} else if (opt == 2 && sub == 1) {
		proto_field_bytes(m, SIDE_SRC, true, "station_type", v, len);
	} else if (opt == 2 && sub == 2) {
		proto_field_bytes(m, SIDE_SRC, true, "station_name", v, len);
	} else if (opt == 2 && sub == 3 && len >= 4) {
		proto_field(m, SIDE_SRC, true, "vendor_id", "0x%04x", rd_be16(v));
		proto_field(m, SIDE_SRC, true, "device_id", "0x%04x", rd_be16(v + 2));
	} else if (opt == 2 && sub == 4 && len >= 1) {
		uint8_t r = v[0];
		static const char *const names[4] = { "io-device", "io-controller",
						      "io-multidevice", "supervisor" };
		char buf[64];
		size_t o = 0;
		buf[0] = 0;
		for (int i = 0; i < 4; i++)
			if (r & (1u << i))
				o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
						      o ? "+" : "", names[i]);
		proto_field(m, SIDE_SRC, true, "pn_role", "%s", buf);
		if (r & 2)
			m->src_role = ROLE_IO_CONTROLLER;
		else if (r & 1)
			m->src_role = ROLE_IO_DEVICE;
		else if (r & 8)
			m->src_role = ROLE_SUPERVISOR;
	}
}

bool proto_profinet_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint16_t fid;
	if (!cursor_be16(&c, &fid))
		return proto_bad(m, EV_PROTO_PROFINET_MALFORMED);
	proto_set(m, PROTO_PROFINET, ROLE_NONE, ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "frame_id", "0x%04x", fid);
	if (fid < 0xfefc || fid > 0xfeff)
		return true; /* RT / PTCP / alarms: recognised only */
	uint8_t svc, type;
	uint32_t xid;
	uint16_t resv, dlen;
	if (!cursor_u8(&c, &svc) || !cursor_u8(&c, &type) || !cursor_be32(&c, &xid) ||
	    !cursor_be16(&c, &resv) || !cursor_be16(&c, &dlen))
		return proto_bad(m, EV_PROTO_PROFINET_MALFORMED);
	proto_field(m, SIDE_SRC, false, "dcp", "%u/%u", svc, type);
	/* Identify requests hold filters, not facts about the sender. */
	bool info = (type & 1) || svc == 4 || svc == 6;
	if (!info)
		return true;
	struct cursor b = cursor_make(cursor_ptr(&c),
				      cursor_left(&c) < dlen ? cursor_left(&c) : dlen);
	/* In answers, Set and Hello requests every block starts with 2 bytes
	 * of block info / qualifier; Get requests list bare option pairs. */
	for (int k = 0; k < DCP_MAX_BLOCKS && cursor_left(&b) >= 4; k++) {
		uint8_t opt, sub;
		uint16_t blen;
		cursor_u8(&b, &opt);
		cursor_u8(&b, &sub);
		cursor_be16(&b, &blen);
		if (!cursor_has(&b, blen))
			return proto_bad(m, EV_PROTO_PROFINET_MALFORMED);
		const uint8_t *v = cursor_ptr(&b);
		cursor_skip(&b, blen);
		if (blen & 1)
			cursor_skip(&b, 1);
		if (info && blen >= 2)
			dcp_block(m, opt, sub, v + 2, blen - 2u);
	}
	/* A Set request carries facts about the receiver, not the sender. */
	if (svc == 4 && type == 0)
		for (unsigned i = 0; i < m->nf; i++)
			if (m->f[i].ident)
				m->f[i].side = SIDE_DST;
	return true;
}
