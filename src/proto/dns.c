/*
 * dns.c - DNS (RFC 1035) on 53, multicast DNS (RFC 6762) on 5353 and
 * LLMNR (RFC 4795) on 5355. Unicast DNS tells who is a resolver (server)
 * and who asks (client). mDNS and LLMNR answers name their sender: an A or
 * AAAA record whose address is the sender's own gives the host its name.
 * Any other A / AAAA answer names whichever device uses that address
 * ("dns_name", SIDE_ADDR: the inventory finds the device by IP).
 *
 *   header: | id | flags (QR 0x8000, opcode) | qdcount | ancount | nscount | arcount |
 *   name: labels (length byte + bytes), 0xC0 pointer (14 bits), 0 end
 *   RR: | name | type (2) | class (2) | TTL (4) | rdlength (2) | rdata |
 */
#include <string.h>

#include "core/cursor.h"
#include "proto/proto.h"

#define DNS_MAX_JUMPS 16     /* compression pointers followed per name */
#define DNS_MAX_RECORDS 32   /* records read per message */

/* Read the name at *c into out (dotted); c moves past it. */
static bool dns_name(const uint8_t *msg, size_t n, struct cursor *c, char *out,
		     size_t outlen)
{
	size_t o = 0, pos = c->off;
	bool jumped = false;
	int jumps = 0;
	out[0] = 0;
	for (;;) {
		if (pos >= n)
			return false;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= n || ++jumps > DNS_MAX_JUMPS)
				return false;
			if (!jumped)
				c->off = pos + 2;
			jumped = true;
			pos = ((size_t)(l & 0x3f) << 8) | msg[pos + 1];
			continue;
		}
		if (l & 0xc0)
			return false;
		if (l == 0) {
			if (!jumped)
				c->off = pos + 1;
			return true;
		}
		if (pos + 1 + l > n)
			return false;
		if (o > 0 && o + 1 < outlen)
			out[o++] = '.';
		for (size_t i = 0; i < l; i++) {
			uint8_t ch = msg[pos + 1 + i];
			if (o + 1 < outlen)
				out[o++] = (ch > 0x20 && ch < 0x7f) ? (char)ch : '?';
		}
		out[o] = 0;
		pos += 1 + l;
	}
}

bool proto_dns_parse(struct proto_msg *m, const uint8_t *d, size_t n)
{
	const struct packet *p = m->pkt;
	enum proto_id id = proto_port(p, 5353) ? PROTO_MDNS
			   : proto_port(p, 5355) ? PROTO_LLMNR : PROTO_DNS;
	struct cursor c = cursor_make(d, n);
	if ((p->layers & LAYER_TCP) && !cursor_skip(&c, 2))
		return proto_bad(m, EV_PROTO_DNS_MALFORMED);
	const uint8_t *msg = cursor_ptr(&c);
	size_t len = cursor_left(&c);
	c = cursor_make(msg, len);
	uint16_t tid, flags, qd, an, ns, ar;
	if (!cursor_be16(&c, &tid) || !cursor_be16(&c, &flags) || !cursor_be16(&c, &qd) ||
	    !cursor_be16(&c, &an) || !cursor_be16(&c, &ns) || !cursor_be16(&c, &ar))
		return proto_bad(m, EV_PROTO_DNS_MALFORMED);
	bool response = flags & 0x8000;
	if (id == PROTO_MDNS)
		proto_set(m, id, ROLE_NONE, ROLE_NONE);
	else
		proto_set(m, id, response ? ROLE_SERVER : ROLE_CLIENT,
			  response ? ROLE_CLIENT : ROLE_SERVER);
	char name[128];
	unsigned rec = 0;
	for (unsigned i = 0; i < qd && rec < DNS_MAX_RECORDS; i++, rec++) {
		if (!dns_name(msg, len, &c, name, sizeof(name)) || !cursor_skip(&c, 4))
			return proto_bad(m, EV_PROTO_DNS_MALFORMED);
		if (i == 0)
			proto_field(m, SIDE_SRC, false, "query", "%s", name);
	}
	if (!response)
		return true;
	const char *key = id == PROTO_MDNS ? "mdns_name" : "llmnr_name";
	unsigned total = (unsigned)an + ns + ar;
	for (unsigned i = 0; i < total && rec < DNS_MAX_RECORDS; i++, rec++) {
		uint16_t type, cls, rdlen;
		uint32_t ttl;
		if (!dns_name(msg, len, &c, name, sizeof(name)) || !cursor_be16(&c, &type) ||
		    !cursor_be16(&c, &cls) || !cursor_be32(&c, &ttl) ||
		    !cursor_be16(&c, &rdlen) || !cursor_has(&c, rdlen))
			return proto_bad(m, EV_PROTO_DNS_MALFORMED);
		const uint8_t *rd = cursor_ptr(&c);
		cursor_skip(&c, rdlen);
		bool own = (type == 1 && rdlen == 4 && p->src.family == 4 &&
			    !memcmp(rd, p->src.a, 4)) ||
			   (type == 28 && rdlen == 16 && p->src.family == 6 &&
			    !memcmp(rd, p->src.a, 16));
		if (own && id != PROTO_DNS) {
			proto_field(m, SIDE_SRC, true, key, "%s", name);
		} else if ((type == 1 && rdlen == 4) || (type == 28 && rdlen == 16)) {
			struct ip_addr ip = { .family = type == 1 ? 4 : 6 };
			memcpy(ip.a, rd, rdlen);
			proto_field_addr(m, &ip, "dns_name", name);
		}
	}
	return true;
}
