/*
 * nbns.c - NetBIOS name service (RFC 1002, 4.2) on UDP 137: the NetBIOS
 * name a host registers or refreshes for itself, or answers a query with
 * its own address. Group names (workgroups) are not host names: skipped.
 *
 *   header as DNS: | id | flags (QR 0x8000, opcode bits 11-14) | qd | an | ns | ar |
 *   name: 0x20 then 32 bytes, each half-byte + 'A'; 15 characters + suffix
 *   NB record data: | NB flags (2, G 0x8000) | address (4) |
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

/* Decode the first-level encoded name at c; false if it is not one. */
static bool nb_name(struct cursor *c, char out[16], uint8_t *suffix)
{
	uint8_t l;
	if (!cursor_u8(c, &l) || l != 32 || !cursor_has(c, 33))
		return false;
	const uint8_t *e = cursor_ptr(c);
	uint8_t raw[16];
	for (int i = 0; i < 16; i++) {
		uint8_t hi = (uint8_t)(e[2 * i] - 'A'), lo = (uint8_t)(e[2 * i + 1] - 'A');
		if (hi > 15 || lo > 15)
			return false;
		raw[i] = (uint8_t)(hi << 4 | lo);
	}
	/* Scope ID labels may follow; only the empty scope is handled. */
	if (e[32] != 0)
		return false;
	cursor_skip(c, 33);
	int n = 15;
	while (n > 0 && raw[n - 1] == ' ')
		n--;
	for (int i = 0; i < n; i++)
		out[i] = (raw[i] > 0x20 && raw[i] < 0x7f) ? (char)raw[i] : '?';
	out[n] = 0;
	*suffix = raw[15];
	return true;
}

/* Skip a record name: an encoded name or a compression pointer. */
static bool skip_name(struct cursor *c)
{
	uint8_t l;
	if (!cursor_has(c, 1))
		return false;
	l = *cursor_ptr(c);
	if ((l & 0xc0) == 0xc0)
		return cursor_skip(c, 2);
	return cursor_skip(c, 1u + l) && cursor_skip(c, 1);
}

bool proto_nbns_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	const struct packet *p = m->pkt;
	struct cursor c = cursor_make(d, n);
	uint16_t tid, flags, qd, an, ns, ar;
	if (!cursor_be16(&c, &tid) || !cursor_be16(&c, &flags) || !cursor_be16(&c, &qd) ||
	    !cursor_be16(&c, &an) || !cursor_be16(&c, &ns) || !cursor_be16(&c, &ar) ||
	    qd > 1 || an > 1)
		return proto_bad(m, EV_PROTO_NBNS_MALFORMED);
	bool response = flags & 0x8000;
	unsigned opcode = (flags >> 11) & 0xf;
	proto_set(m, PROTO_NBNS, ROLE_NONE, ROLE_NONE);
	proto_field(m, SIDE_SRC, false, "opcode", "%u%s", opcode, response ? "/rsp" : "");
	char name[16];
	uint8_t suffix;
	if (!response && qd == 1 && (opcode == 5 || opcode == 8 || opcode == 9)) {
		/* Registration / refresh: the question is the sender's name; the
		 * additional record says whether it is a group name. */
		if (!nb_name(&c, name, &suffix) || !cursor_skip(&c, 4))
			return proto_bad(m, EV_PROTO_NBNS_MALFORMED);
		uint16_t type, cls, rdlen, nbflags;
		uint32_t ttl;
		if (ar < 1 || !skip_name(&c) || !cursor_be16(&c, &type) ||
		    !cursor_be16(&c, &cls) || !cursor_be32(&c, &ttl) ||
		    !cursor_be16(&c, &rdlen) || rdlen < 6 || !cursor_be16(&c, &nbflags))
			return true;
		if (!(nbflags & 0x8000) && (suffix == 0x00 || suffix == 0x20) && name[0])
			proto_field(m, SIDE_SRC, true, "netbios_name", "%s", name);
	} else if (response && opcode == 0 && an == 1 && (flags & 0xf) == 0) {
		uint16_t type, cls, rdlen, nbflags;
		uint32_t ttl;
		if (!nb_name(&c, name, &suffix) || !cursor_be16(&c, &type) ||
		    !cursor_be16(&c, &cls) || !cursor_be32(&c, &ttl) ||
		    !cursor_be16(&c, &rdlen) || type != 0x20 || rdlen < 6 ||
		    !cursor_be16(&c, &nbflags) || !cursor_has(&c, 4))
			return true;
		if (!(nbflags & 0x8000) && (suffix == 0x00 || suffix == 0x20) &&
		    p->src.family == 4 && !memcmp(cursor_ptr(&c), p->src.a, 4) && name[0])
			proto_field(m, SIDE_SRC, true, "netbios_name", "%s", name);
	}
	return true;
}
