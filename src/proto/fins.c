/*
 * fins.c - Omron FINS (FINS Commands Reference Manual W227, section 3;
 * FINS/TCP framing W421) on UDP/TCP 9600: command or response, node
 * addresses, command code, and the controller model and version from a
 * Controller Data Read (05 01) answer.
 *
 *   FINS/TCP: | "FINS" | length (4) | command (4) | error (4) | ... (BE)
 *             command 0 node address request, 1 its answer, 2 FINS frame
 *   FINS header: | ICF | RSV | GCT | DNA | DA1 | DA2 | SNA | SA1 | SA2 | SID |
 *             ICF bit 6: 0 command, 1 response
 *   then | MRC | SRC | [end code (2) in responses] | data |
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

static bool fins_frame(struct proto_msg *m, struct cursor c)
{
	uint8_t h[10], mrc, src;
	if (!cursor_copy(&c, h, 10) || (h[0] & 0x3e) || !(h[0] & 0x80) || h[1] != 0 ||
	    !cursor_u8(&c, &mrc) || !cursor_u8(&c, &src))
		return proto_bad(m, EV_PROTO_FINS_MALFORMED);
	bool response = h[0] & 0x40;
	proto_set(m, PROTO_FINS, response ? ROLE_SERVER : ROLE_CLIENT,
		  response ? ROLE_CLIENT : ROLE_SERVER);
	proto_field(m, SIDE_SRC, true, "fins_node", "%u.%u.%u", h[6], h[7], h[8]);
	proto_field(m, SIDE_DST, true, "fins_node", "%u.%u.%u", h[3], h[4], h[5]);
	proto_field(m, SIDE_SRC, false, "command", "%02x%02x%s", mrc, src,
		    response ? "/rsp" : "");
	uint16_t end;
	if (response && mrc == 0x05 && src == 0x01 && cursor_be16(&c, &end) &&
	    end == 0 && cursor_has(&c, 40)) {
		proto_field_bytes(m, SIDE_SRC, true, "model", cursor_ptr(&c), 20);
		proto_field_bytes(m, SIDE_SRC, true, "version", cursor_ptr(&c) + 20, 20);
	}
	return true;
}

bool proto_fins_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	if (!(m->pkt->layers & LAYER_TCP))
		return fins_frame(m, cursor_make(d, n));
	struct cursor c = cursor_make(d, n);
	uint8_t magic[4];
	uint32_t len, cmd, err;
	if (!cursor_copy(&c, magic, 4) || memcmp(magic, "FINS", 4) ||
	    !cursor_be32(&c, &len) || !cursor_be32(&c, &cmd) || !cursor_be32(&c, &err))
		return proto_bad(m, EV_PROTO_FINS_MALFORMED);
	if (cmd == 2)
		return fins_frame(m, c);
	bool from_server = cmd == 1;
	proto_set(m, PROTO_FINS, from_server ? ROLE_SERVER : ROLE_CLIENT,
		  from_server ? ROLE_CLIENT : ROLE_SERVER);
	proto_field(m, SIDE_SRC, false, "tcp_command", "%u", cmd);
	return true;
}
