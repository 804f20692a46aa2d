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
#include <string.h>

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
	/* A Set request carries facts about the receiver, not the sender,
	 * and comes from an engineering tool or supervisor (name / IP
	 * assignment). */
	if (svc == 4 && type == 0) {
		for (unsigned i = 0; i < m->nf; i++)
			if (m->f[i].ident)
				m->f[i].side = SIDE_DST;
		m->src_role = ROLE_SUPERVISOR;
	}
	return true;
}

/*
 * PROFINET IO context management: DCE/RPC connectionless (C706 chapter
 * 12) on UDP 34964. The interface UUID DEA0000x-6C97-11D1-8271-00A02442DF7D
 * names the called role (1 IO device, 2 IO controller, 3 supervisor); the
 * object UUID DEA00000-6C97-11D1-8271-IIIIDDDDVVVV carries the instance,
 * device ID and vendor ID of the called end (the IO device for calls to
 * the device interface, the controller for its own interface).
 *
 *   | version 4 | ptype (0 request, 2 response) | flags (2) | drep (3) |
 *   | serial hi | object UUID (16) | interface UUID (16) | activity (16) | ...
 */
static uint32_t uuid_u32(const uint8_t *u, bool le)
{
	return le ? (uint32_t)u[0] | ((uint32_t)u[1] << 8) | ((uint32_t)u[2] << 16) |
			    ((uint32_t)u[3] << 24)
		  : rd_be32(u);
}

bool proto_pnio_cm_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	static const uint8_t tail[8] = { 0x82, 0x71, 0x00, 0xa0, 0x24, 0x42, 0xdf, 0x7d };
	if (n < 80 || d[0] != 4)
		return proto_bad(m, EV_PROTO_PROFINET_MALFORMED);
	bool le = d[4] & 0x10;
	const uint8_t *obj = d + 8, *ifc = d + 24;
	uint32_t if0 = uuid_u32(ifc, le);
	if ((if0 & 0xfffffff0u) != 0xdea00000u || memcmp(ifc + 8, tail, 8))
		return proto_bad(m, EV_PROTO_PROFINET_MALFORMED);
	uint8_t ptype = d[1];
	bool request = ptype == 0;
	/* The called interface says what the receiver of a request is. */
	enum proto_role callee = (if0 & 0xf) == 1 ? ROLE_IO_DEVICE
				 : (if0 & 0xf) == 2 ? ROLE_IO_CONTROLLER
				 : (if0 & 0xf) == 3 ? ROLE_SUPERVISOR : ROLE_NONE;
	enum proto_role caller = callee == ROLE_IO_DEVICE ? ROLE_IO_CONTROLLER
				 : callee == ROLE_IO_CONTROLLER ? ROLE_IO_DEVICE : ROLE_NONE;
	proto_set(m, PROTO_PROFINET, request ? caller : callee, request ? callee : caller);
	uint16_t opnum = le ? (uint16_t)(d[68] | (d[69] << 8)) : rd_be16(d + 68);
	proto_field(m, SIDE_SRC, false, "rpc", "%s/op%u", request ? "req" : "rsp", opnum);
	if (uuid_u32(obj, le) == 0xdea00000u && !memcmp(obj + 8, tail, 2)) {
		/* The object UUID names the called end: the receiver of a
		 * request, the sender of a response. */
		enum proto_side dev = request ? SIDE_DST : SIDE_SRC;
		proto_field(m, dev, true, "cm_device_id", "0x%04x", rd_be16(obj + 12));
		proto_field(m, dev, true, "cm_vendor_id", "0x%04x", rd_be16(obj + 14));
	}
	return true;
}
