/*
 * iso.c - ISO transport on TCP 102 (RFC 1006 TPKT, ISO 8073 COTP) and what
 * runs inside it: S7comm (protocol ID 0x32), S7comm-plus (0x72) and MMS
 * (ISO 9506, reached through the ISO session layer, used by IEC 61850).
 *
 *   TPKT: | 0x03 | 0x00 | length (2, whole TPKT) |
 *   COTP: | LI | type | ... LI bytes ...           CR 0xE0, CC 0xD0, DT 0xF0
 *   CR/CC parameters: 0xC1 calling TSAP, 0xC2 called TSAP, 0xC0 TPDU size
 *
 * S7 TSAPs are two bytes: connection type (1 PG, 2 OP, 3 S7 basic) and
 * rack * 32 + slot of the CPU; the called TSAP of a CR belongs to the PLC.
 *
 *   S7comm header: | 0x32 | ROSCTR | redund (2) | PDU ref (2) | param len (2) |
 *                  | data len (2) | [error class, code: ROSCTR 2/3] |
 *   ROSCTR: 1 job, 2 ack, 3 ack-data, 7 userdata. SZL reads (userdata,
 *   CPU functions group 4, subfunction 1) of lists 0x0011 (module
 *   identification: order number, firmware) and 0x001C (component
 *   identification: PLC name, module name, serial number) identify the CPU.
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

#define ISO_PORT 102
#define ISO_MAX_TPKTS 8       /* TPKTs parsed per segment */
#define SZL_MAX_RECORDS 32    /* SZL records read per answer */

static const char *conn_type(uint8_t t)
{
	switch (t) {
	case 1: return "pg";
	case 2: return "op";
	case 3: return "s7-basic";
	default: return "other";
	}
}

/* COTP CR / CC parameters: TSAPs. */
static void cotp_params(struct proto_msg *m, struct cursor *c, bool cr)
{
	for (int i = 0; i < 16 && cursor_left(c) >= 2; i++) {
		uint8_t code, len;
		cursor_u8(c, &code);
		cursor_u8(c, &len);
		if (!cursor_has(c, len))
			return;
		const uint8_t *v = cursor_ptr(c);
		/* In a CR the called TSAP (0xC2) is the PLC's; in a CC the
		 * PLC is the sender and 0xC1 names it the same way. */
		if (code == 0xc2 && len == 2 && cr && v[0] >= 1 && v[0] <= 3) {
			proto_field(m, SIDE_DST, true, "rack", "%u", v[1] >> 5);
			proto_field(m, SIDE_DST, true, "slot", "%u", v[1] & 0x1f);
			proto_field(m, SIDE_SRC, true, "s7_connection", "%s",
				    conn_type(v[0]));
		} else if ((code == 0xc1 || code == 0xc2) && len > 2) {
			proto_field_bytes(m, code == 0xc2 ? SIDE_DST : SIDE_SRC, false,
					  code == 0xc2 ? "called_tsap" : "calling_tsap",
					  v, len);
		}
		cursor_skip(c, len);
	}
}

/* Firmware version as SZL 0x0011 index 7 writes it: 'V' major, minor, patch. */
static void szl_0011(struct proto_msg *m, struct cursor *c, uint16_t reclen,
		     uint16_t count)
{
	for (unsigned i = 0; i < count && i < SZL_MAX_RECORDS; i++) {
		if (reclen < 28 || !cursor_has(c, reclen))
			return;
		const uint8_t *r = cursor_ptr(c);
		uint16_t index = rd_be16(r);
		if (index == 0x0001)
			proto_field_bytes(m, SIDE_SRC, true, "order_number", r + 2, 20);
		else if (index == 0x0006)
			proto_field_bytes(m, SIDE_SRC, true, "hw_order_number", r + 2, 20);
		else if (index == 0x0007 && r[24] == 'V')
			proto_field(m, SIDE_SRC, true, "firmware", "V%u.%u.%u", r[25],
				    r[26], r[27]);
		cursor_skip(c, reclen);
	}
}

static void szl_001c(struct proto_msg *m, struct cursor *c, uint16_t reclen,
		     uint16_t count)
{
	for (unsigned i = 0; i < count && i < SZL_MAX_RECORDS; i++) {
		if (reclen < 34 || !cursor_has(c, reclen))
			return;
		const uint8_t *r = cursor_ptr(c);
		const char *key = NULL;
		size_t len = 24;
		switch (rd_be16(r)) {
		case 1: key = "plc_name"; break;
		case 2: key = "module_name"; break;
		case 3: key = "plant_id"; len = 32; break;
		case 5: key = "serial"; break;
		case 7: key = "module_type"; len = 32; break;
		}
		if (key)
			proto_field_bytes(m, SIDE_SRC, true, key, r + 2, len);
		cursor_skip(c, reclen);
	}
}

/* Userdata: only Read SZL answers carry identity. */
static void s7_userdata(struct proto_msg *m, struct cursor par, struct cursor dat)
{
	uint8_t head[3], plen, method, tg, sub;
	if (!cursor_copy(&par, head, 3) || !cursor_u8(&par, &plen) ||
	    !cursor_u8(&par, &method) || !cursor_u8(&par, &tg) || !cursor_u8(&par, &sub))
		return;
	uint8_t type = tg >> 4, group = tg & 0x0f;
	proto_field(m, SIDE_SRC, false, "userdata", "%u/%u", group, sub);
	if (type != 8 || group != 4 || sub != 1)
		return;
	uint8_t rc, ts;
	uint16_t len, id, index, reclen, count;
	if (!cursor_u8(&dat, &rc) || rc != 0xff || !cursor_u8(&dat, &ts) ||
	    !cursor_be16(&dat, &len) || !cursor_be16(&dat, &id) ||
	    !cursor_be16(&dat, &index) || !cursor_be16(&dat, &reclen) ||
	    !cursor_be16(&dat, &count))
		return;
	proto_field(m, SIDE_SRC, false, "szl", "0x%04x", id);
	if ((id & 0xff) == 0x11)
		szl_0011(m, &dat, reclen, count);
	else if ((id & 0xff) == 0x1c)
		szl_001c(m, &dat, reclen, count);
}

static bool s7comm(struct proto_msg *m, struct cursor c, bool to_server)
{
	uint8_t id, rosctr;
	uint16_t red, ref, plen, dlen;
	if (!cursor_u8(&c, &id) || !cursor_u8(&c, &rosctr) ||
	    !cursor_be16(&c, &red) || !cursor_be16(&c, &ref) ||
	    !cursor_be16(&c, &plen) || !cursor_be16(&c, &dlen))
		return proto_bad(m, EV_PROTO_S7COMM_MALFORMED);
	if (rosctr == 2 || rosctr == 3)
		if (!cursor_skip(&c, 2))
			return proto_bad(m, EV_PROTO_S7COMM_MALFORMED);
	proto_set(m, PROTO_S7COMM, to_server ? ROLE_CLIENT : ROLE_SERVER,
		  to_server ? ROLE_SERVER : ROLE_CLIENT);
	static const char *const rosctr_names[8] = {
		"?", "job", "ack", "ack-data", "?", "?", "?", "userdata" };
	proto_field(m, SIDE_SRC, false, "rosctr", "%s", rosctr_names[rosctr & 7]);
	if (!cursor_has(&c, plen))
		return true; /* cut: the header was enough to recognise it */
	struct cursor par = cursor_make(cursor_ptr(&c), plen);
	cursor_skip(&c, plen);
	struct cursor dat = cursor_make(cursor_ptr(&c),
					cursor_left(&c) < dlen ? cursor_left(&c) : dlen);
	if ((rosctr == 1 || rosctr == 3) && plen >= 1)
		proto_field(m, SIDE_SRC, false, "function", "0x%02x", par.base[0]);
	else if (rosctr == 7)
		s7_userdata(m, par, dat);
	return true;
}

/* One COTP TPDU (after the TPKT header). */
static bool cotp(struct proto_msg *m, struct cursor c, bool to_server)
{
	uint8_t li, type;
	if (!cursor_u8(&c, &li) || li == 0 || !cursor_has(&c, li))
		return proto_bad(m, EV_PROTO_ISO_MALFORMED);
	struct cursor hdr = cursor_make(cursor_ptr(&c), li);
	cursor_skip(&c, li);
	cursor_u8(&hdr, &type);
	type &= 0xf0;
	if (type == 0xe0 || type == 0xd0) {
		proto_set(m, PROTO_COTP, to_server ? ROLE_CLIENT : ROLE_SERVER,
			  to_server ? ROLE_SERVER : ROLE_CLIENT);
		proto_field(m, SIDE_SRC, false, "cotp", "%s", type == 0xe0 ? "CR" : "CC");
		if (cursor_skip(&hdr, 5))
			cotp_params(m, &hdr, type == 0xe0);
		return true;
	}
	if (type != 0xf0) {
		proto_set(m, PROTO_COTP, to_server ? ROLE_CLIENT : ROLE_SERVER,
			  to_server ? ROLE_SERVER : ROLE_CLIENT);
		return true;
	}
	uint8_t first;
	if (!cursor_has(&c, 1)) {
		proto_set(m, PROTO_COTP, to_server ? ROLE_CLIENT : ROLE_SERVER,
			  to_server ? ROLE_SERVER : ROLE_CLIENT);
		return true;
	}
	first = *cursor_ptr(&c);
	if (first == 0x32)
		return s7comm(m, c, to_server);
	if (first == 0x72) {
		proto_set(m, PROTO_S7COMMPLUS, to_server ? ROLE_CLIENT : ROLE_SERVER,
			  to_server ? ROLE_SERVER : ROLE_CLIENT);
		uint8_t v[2];
		if (cursor_copy(&c, v, 2))
			proto_field(m, SIDE_SRC, false, "version", "%u", v[1]);
		return true;
	}
	/* ISO 8327 session SPDUs: CONNECT 0x0d, ACCEPT 0x0e, GIVE-TOKENS 0x01
	 * (+ DATA), FINISH 0x09, DISCONNECT 0x0a, ABORT 0x19, REFUSE 0x0c. */
	if (first == 0x0d || first == 0x0e || first == 0x01 || first == 0x09 ||
	    first == 0x0a || first == 0x19 || first == 0x0c) {
		proto_set(m, PROTO_MMS, to_server ? ROLE_CLIENT : ROLE_SERVER,
			  to_server ? ROLE_SERVER : ROLE_CLIENT);
		return true;
	}
	proto_set(m, PROTO_COTP, to_server ? ROLE_CLIENT : ROLE_SERVER,
		  to_server ? ROLE_SERVER : ROLE_CLIENT);
	return true;
}

bool proto_iso_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	bool to_server = m->pkt->dport == ISO_PORT;
	struct cursor c = cursor_make(d, n);
	unsigned k = 0;
	enum proto_id best = PROTO_NONE;
	while (cursor_left(&c) >= 4 && k < ISO_MAX_TPKTS) {
		const uint8_t *t = cursor_ptr(&c);
		uint16_t len = rd_be16(t + 2);
		if (t[0] != 3 || t[1] != 0 || len < 7)
			break;
		size_t body = cursor_left(&c) - 4 < (size_t)len - 4 ? cursor_left(&c) - 4
								     : (size_t)len - 4;
		if (body == 0) {
			/* The segment ends after the TPKT header: the rest is in
			 * the next one. Recognised, nothing more to read. */
			if (m->proto == PROTO_NONE)
				proto_set(m, PROTO_COTP, to_server ? ROLE_CLIENT : ROLE_SERVER,
					  to_server ? ROLE_SERVER : ROLE_CLIENT);
			best = m->proto;
			k++;
			break;
		}
		enum proto_id before = m->proto;
		if (!cotp(m, cursor_make(t + 4, body), to_server))
			return k ? true : false;
		/* Keep the most specific protocol seen in the segment. */
		if (before != PROTO_NONE && before != PROTO_COTP)
			m->proto = before;
		best = m->proto;
		k++;
		if (!cursor_skip(&c, len))
			break;
	}
	if (!k) {
		/* Not starting with a TPKT header: most often the tail of a
		 * TPKT split over segments (no reassembly here), so it is not
		 * counted as malformed unless it claims to be TPKT. */
		if (n >= 2 && d[0] != 3) {
			/* Some stacks send the 4-byte TPKT header in a segment
			 * of its own: a segment that is exactly one COTP TPDU
			 * (CR, CC or DT) is parsed as the body of that TPKT. */
			uint8_t t = d[1] & 0xf0;
			if ((size_t)d[0] + 1 <= n && (t == 0xe0 || t == 0xd0 || t == 0xf0) &&
			    ((t == 0xf0 && d[0] == 2) || (t != 0xf0 && d[0] >= 6)))
				return cotp(m, cursor_make(d, n), to_server);
			return false;
		}
		return proto_bad(m, EV_PROTO_ISO_MALFORMED);
	}
	m->proto = best;
	return true;
}
