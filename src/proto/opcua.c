/*
 * opcua.c - OPC UA binary (OPC 10000-6, 7.1 OPC UA Connection Protocol):
 * message type, and the endpoint URL a client asks for in its Hello.
 *
 *   | type (3: HEL ACK ERR RHE OPN CLO MSG) | chunk (F C A) | size (4, LE) |
 *   HEL: | version | recv buf | send buf | max msg | max chunks | URL (int32 len + bytes) |
 *   OPN: | channel id (4) | policy URI (int32 len + bytes) | ...
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

static bool ua_string(struct cursor *c, const uint8_t **s, uint32_t *len)
{
	uint32_t l;
	if (!cursor_le32(c, &l))
		return false;
	if (l == 0xffffffffu) { /* null string */
		*s = NULL;
		*len = 0;
		return true;
	}
	if (!cursor_has(c, l))
		return false;
	*s = cursor_ptr(c);
	*len = l;
	return cursor_skip(c, l);
}

bool proto_opcua_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	static const char *const types[] = { "HEL", "ACK", "ERR", "RHE", "OPN", "CLO", "MSG" };
	struct cursor c = cursor_make(d, n);
	uint8_t t[4];
	uint32_t size;
	if (!cursor_copy(&c, t, 4) || !cursor_le32(&c, &size) || size < 8)
		return proto_bad(m, EV_PROTO_OPCUA_MALFORMED);
	int k = -1;
	for (int i = 0; i < 7; i++)
		if (!memcmp(t, types[i], 3))
			k = i;
	if (k < 0 || (t[3] != 'F' && t[3] != 'C' && t[3] != 'A'))
		return proto_bad(m, EV_PROTO_OPCUA_MALFORMED);
	/* Requests come from the client: HEL, OPN, CLO and MSG to 4840 (or to
	 * whatever port the Hello went to, which the flow hint remembers). */
	bool from_client = k == 0 || (k != 1 && k != 2 && m->pkt->dport == 4840);
	bool from_server = k == 1 || k == 2 || m->pkt->sport == 4840;
	proto_set(m, PROTO_OPCUA,
		  from_client ? ROLE_CLIENT : from_server ? ROLE_SERVER : ROLE_NONE,
		  from_client ? ROLE_SERVER : from_server ? ROLE_CLIENT : ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "msg", "%.3s", (const char *)t);
	const uint8_t *s;
	uint32_t len;
	if (k == 0 && cursor_skip(&c, 20)) {
		if (ua_string(&c, &s, &len) && s)
			proto_field_bytes(m, SIDE_DST, true, "endpoint_url", s, len);
	} else if (k == 4 && cursor_skip(&c, 4)) {
		if (ua_string(&c, &s, &len) && s)
			proto_field_bytes(m, SIDE_SRC, false, "security_policy", s, len);
	}
	return true;
}
