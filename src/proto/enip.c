/*
 * enip.c - EtherNet/IP encapsulation (ODVA CIP Vol. 2, chapter 2) on
 * TCP/UDP 44818 and CIP implicit I/O on UDP 2222.
 *
 *   encapsulation header, little endian, 24 bytes:
 *   | command (2) | length (2) | session (4) | status (4) | context (8) | options (4) |
 *
 * List Identity (0x63) answers carry a CIP Identity item (type 0x0C):
 *   | version (2) | sockaddr (16, big endian) | vendor (2) | device type (2) |
 *   | product code (2) | revision major, minor | status (2) | serial (4) |
 *   | name length (1) | product name | state (1) |
 * SendRRData / SendUnitData (0x6F / 0x70) carry CPF items; the data item
 * (0xB2 unconnected, 0xB1 connected with a 2-byte sequence) holds a CIP
 * message whose first byte is the service (bit 7: response). An answer to
 * Get_Attributes_All (0x81) whose data has exactly the shape of the
 * Identity object (vendor, device type, product code, revision, status,
 * serial, SHORT_STRING name with a printable name) is read as identity:
 * without request/response matching this is a shape test, kept strict.
 */
#include "core/cursor.h"
#include "proto/proto.h"

#define ENIP_PORT 44818
#define ENIP_MAX_ITEMS 8

static void list_identity(struct proto_msg *m, struct cursor *c)
{
	uint16_t count;
	if (!cursor_le16(c, &count))
		return;
	for (unsigned i = 0; i < count && i < ENIP_MAX_ITEMS; i++) {
		uint16_t type, len;
		if (!cursor_le16(c, &type) || !cursor_le16(c, &len) || !cursor_has(c, len))
			return;
		struct cursor it = cursor_make(cursor_ptr(c), len);
		cursor_skip(c, len);
		if (type != 0x000c)
			continue;
		uint16_t ver, vendor, devtype, code, status;
		uint8_t sa[16], maj, min, nlen;
		uint32_t serial;
		if (!cursor_le16(&it, &ver) || !cursor_copy(&it, sa, 16) ||
		    !cursor_le16(&it, &vendor) || !cursor_le16(&it, &devtype) ||
		    !cursor_le16(&it, &code) || !cursor_u8(&it, &maj) ||
		    !cursor_u8(&it, &min) || !cursor_le16(&it, &status) ||
		    !cursor_le32(&it, &serial)) {
			proto_bad(m, EV_PROTO_ENIP_MALFORMED);
			return;
		}
		proto_field(m, SIDE_SRC, true, "vendor_id", "%u", vendor);
		proto_field(m, SIDE_SRC, true, "device_type", "%u", devtype);
		proto_field(m, SIDE_SRC, true, "product_code", "%u", code);
		proto_field(m, SIDE_SRC, true, "revision", "%u.%u", maj, min);
		proto_field(m, SIDE_SRC, true, "serial", "0x%08x", serial);
		if (cursor_u8(&it, &nlen) && cursor_has(&it, nlen))
			proto_field_bytes(m, SIDE_SRC, true, "product", cursor_ptr(&it), nlen);
		if (sa[2] | sa[3] | sa[4] | sa[5])
			proto_field_ip4(m, SIDE_SRC, "ip", sa + 4);
	}
}

/* Identity object attributes (CIP Vol. 1, 5A-2) as Get_Attributes_All
 * returns them; false if the data does not have that shape. */
static bool cip_identity(struct proto_msg *m, const uint8_t *d, size_t n)
{
	if (n < 16)
		return false;
	uint8_t nlen = d[14];
	if (nlen < 1 || 15u + nlen > n || n > 15u + nlen + 8u || d[6] == 0)
		return false;
	for (unsigned i = 0; i < nlen; i++)
		if (d[15 + i] < 0x20 || d[15 + i] > 0x7e)
			return false;
	proto_field(m, SIDE_SRC, true, "vendor_id", "%u", d[0] | (d[1] << 8));
	proto_field(m, SIDE_SRC, true, "device_type", "%u", d[2] | (d[3] << 8));
	proto_field(m, SIDE_SRC, true, "product_code", "%u", d[4] | (d[5] << 8));
	proto_field(m, SIDE_SRC, true, "revision", "%u.%u", d[6], d[7]);
	proto_field(m, SIDE_SRC, true, "serial", "0x%08x",
		    (unsigned)(d[10] | (d[11] << 8) | (d[12] << 16) | ((uint32_t)d[13] << 24)));
	proto_field_bytes(m, SIDE_SRC, true, "product", d + 15, nlen);
	return true;
}

static void cpf_cip(struct proto_msg *m, struct cursor *c)
{
	uint32_t iface;
	uint16_t timeout, count;
	if (!cursor_le32(c, &iface) || !cursor_le16(c, &timeout) ||
	    !cursor_le16(c, &count))
		return;
	for (unsigned i = 0; i < count && i < ENIP_MAX_ITEMS; i++) {
		uint16_t type, len;
		if (!cursor_le16(c, &type) || !cursor_le16(c, &len) || !cursor_has(c, len))
			return;
		const uint8_t *v = cursor_ptr(c);
		cursor_skip(c, len);
		size_t skip = type == 0x00b1 ? 2 : 0;
		if ((type == 0x00b2 || type == 0x00b1) && len > skip) {
			uint8_t svc = v[skip];
			proto_field(m, SIDE_SRC, false, "cip_service", "0x%02x%s",
				    svc & 0x7f, (svc & 0x80) ? "/rsp" : "");
			/* | service | reserved | general status | ext size (words) | ... | data | */
			size_t h = skip + 4;
			if (svc == 0x81 && len >= h && v[skip + 2] == 0 &&
			    h + 2u * v[skip + 3] <= len) {
				h += 2u * v[skip + 3];
				cip_identity(m, v + h, len - h);
			}
		}
	}
}

bool proto_enip_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	const struct packet *p = m->pkt;
	struct cursor c = cursor_make(d, n);
	uint16_t cmd, len;
	uint32_t session, status;
	if (!cursor_le16(&c, &cmd) || !cursor_le16(&c, &len) ||
	    !cursor_le32(&c, &session) || !cursor_le32(&c, &status) ||
	    !cursor_skip(&c, 12))
		return proto_bad(m, EV_PROTO_ENIP_MALFORMED);
	switch (cmd) {
	case 0x0000: case 0x0004: case 0x0063: case 0x0064: case 0x0065:
	case 0x0066: case 0x006f: case 0x0070:
		break;
	default:
		return proto_bad(m, EV_PROTO_ENIP_MALFORMED);
	}
	bool to_server = p->dport == ENIP_PORT;
	/* List Identity over UDP goes from an ephemeral port to 44818 and
	 * back, or broadcast from 44818 to 44818: a non-empty answer is the
	 * server's in every case. */
	bool answer = cmd == 0x0063 && len > 0;
	if (answer)
		to_server = false;
	proto_set(m, PROTO_ENIP, to_server ? ROLE_CLIENT : ROLE_SERVER,
		  to_server ? ROLE_SERVER : ROLE_CLIENT);
	proto_field(m, SIDE_SRC, false, "command", "0x%04x", cmd);
	struct cursor body = cursor_make(cursor_ptr(&c),
					 cursor_left(&c) < len ? cursor_left(&c) : len);
	if (answer)
		list_identity(m, &body);
	else if (cmd == 0x006f || cmd == 0x0070)
		cpf_cip(m, &body);
	return true;
}

/* CIP I/O: CPF with a sequenced address item (0x8002) and a connected data
 * item (0x00B1). Both ends produce; the connection ID names the stream. */
bool proto_cipio_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint16_t count, type, len;
	if (!cursor_le16(&c, &count) || count == 0 || count > 8 ||
	    !cursor_le16(&c, &type) || !cursor_le16(&c, &len))
		return proto_bad(m, EV_PROTO_CIPIO_MALFORMED);
	if (type != 0x8002 && type != 0x00a1)
		return proto_bad(m, EV_PROTO_CIPIO_MALFORMED);
	uint32_t conn;
	if (len < 4 || !cursor_le32(&c, &conn))
		return proto_bad(m, EV_PROTO_CIPIO_MALFORMED);
	proto_set(m, PROTO_CIP_IO, ROLE_NONE, ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "connection", "0x%08x", conn);
	return true;
}
