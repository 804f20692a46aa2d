/*
 * melsec.c - Mitsubishi PLC protocols: the MC protocol (MELSEC
 * Communication Protocol Reference Manual SH-080008, 3E and 4E binary
 * frames) and the MELSOFT engineering protocol of GX Works / iQ Works
 * (UDP 5560, TCP 5562: not publicly specified; recognised by its fixed
 * header, see iti_melsoft_*.pcap).
 *
 *   3E request:  | 0x50 0x00 | net | PC | module IO (2) | station | length (2) |
 *                | timer (2) | command (2) | subcommand (2) | ...   (LE)
 *   3E response: | 0xD0 0x00 | net | PC | module IO (2) | station | length (2) |
 *                | end code (2) | data |
 *   4E frames put 0x54/0xD4 0x00, a serial number (2) and 0x0000 first.
 *   Command 0x0101 (Read CPU model name) answers with 16 ASCII bytes.
 *
 *   MELSOFT: | 0x57 or 0x5A (request) / 0xD7 or 0xDA (answer) | ...; the
 *   0x57/0xD7 kind has 0x00 0x11 0x11 at offset 4.
 */
#include "core/cursor.h"
#include "proto/proto.h"

static bool mc_frame(struct proto_msg *m, const uint8_t *d, size_t n)
{
	struct cursor c = cursor_make(d, n);
	uint8_t sub, zero;
	cursor_u8(&c, &sub);
	cursor_u8(&c, &zero);
	if (sub == 0x54 || sub == 0xd4)
		if (!cursor_skip(&c, 4))
			return proto_bad(m, EV_PROTO_MELSEC_MALFORMED);
	uint8_t net, pc, st;
	uint16_t io, len;
	if (!cursor_u8(&c, &net) || !cursor_u8(&c, &pc) || !cursor_le16(&c, &io) ||
	    !cursor_u8(&c, &st) || !cursor_le16(&c, &len) || len < 2 ||
	    len > cursor_left(&c) + 1024)
		return proto_bad(m, EV_PROTO_MELSEC_MALFORMED);
	bool response = sub & 0x80;
	proto_set(m, PROTO_MELSEC, response ? ROLE_SERVER : ROLE_CLIENT,
		  response ? ROLE_CLIENT : ROLE_SERVER);
	proto_field(m, SIDE_SRC, false, "frame", "%s", (sub & 0x0f) == 4 ? "4E" : "3E");
	uint16_t timer, cmd, subcmd, end;
	if (!response && cursor_le16(&c, &timer) && cursor_le16(&c, &cmd) &&
	    cursor_le16(&c, &subcmd))
		proto_field(m, SIDE_SRC, false, "command", "0x%04x", cmd);
	/* A 16-byte answer plus the model code is the CPU model name. */
	if (response && len == 2 + 16 + 2 && cursor_le16(&c, &end) && end == 0 &&
	    cursor_has(&c, 16))
		proto_field_bytes(m, SIDE_SRC, true, "model", cursor_ptr(&c), 16);
	return true;
}

bool proto_melsec_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	if (n < 4)
		return proto_bad(m, EV_PROTO_MELSEC_MALFORMED);
	if (d[1] == 0 && (d[0] == 0x50 || d[0] == 0xd0 || d[0] == 0x54 || d[0] == 0xd4))
		return mc_frame(m, d, n);
	uint8_t k = d[0] & 0x7f;
	bool ok = (k == 0x5a && n >= 4 && d[1] == 0 && d[2] == 0) ||
		  (k == 0x57 && n >= 7 && d[4] == 0 && d[5] == 0x11 && d[6] == 0x11);
	if (!ok)
		return proto_bad(m, EV_PROTO_MELSEC_MALFORMED);
	bool response = d[0] & 0x80;
	proto_set(m, PROTO_MELSEC, response ? ROLE_SERVER : ROLE_CLIENT,
		  response ? ROLE_CLIENT : ROLE_SERVER);
	proto_field(m, SIDE_SRC, false, "frame", "melsoft-%02x", d[0]);
	return true;
}
