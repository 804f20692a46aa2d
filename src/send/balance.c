/*
 * balance.c - symmetric hash of the inner flow of a frame (see balance.h).
 * The two endpoints (address, port) are put in a fixed order before
 * hashing, so A->B and B->A give the same value. Reads go through the
 * bounds-checked cursor; a frame cut short hashes on what was read.
 */
#include "send/balance.h"

#include <stdbool.h>
#include <string.h>

#include "core/cursor.h"
#include "core/hash.h"

#define BALANCE_MAX_VLANS 4      /* tags skipped before giving up */

/* One endpoint: address (IPv4 in the first 4 bytes) and port. */
struct endpoint {
	uint8_t addr[16];
	uint16_t port;
};

static uint64_t hash_bytes(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull; /* FNV-1a step */
	return h;
}

static uint64_t hash_pair(const struct endpoint *a, const struct endpoint *b,
			  uint8_t proto)
{
	int c = memcmp(a->addr, b->addr, sizeof a->addr);
	if (c > 0 || (c == 0 && a->port > b->port)) {
		const struct endpoint *t = a;
		a = b;
		b = t;
	}
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t pp[5] = { proto, (uint8_t)(a->port >> 8), (uint8_t)a->port,
			  (uint8_t)(b->port >> 8), (uint8_t)b->port };
	h = hash_bytes(h, a->addr, sizeof a->addr);
	h = hash_bytes(h, b->addr, sizeof b->addr);
	h = hash_bytes(h, pp, sizeof pp);
	return hash_mix64(h);
}

uint64_t balance_hash(const uint8_t *frame, uint32_t caplen)
{
	struct cursor c = cursor_make(frame, caplen);
	struct endpoint a, b;
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	uint16_t et;
	if (!cursor_copy(&c, b.addr, 6) || !cursor_copy(&c, a.addr, 6))
		return 0;
	if (!cursor_be16(&c, &et))
		return hash_pair(&a, &b, 0);
	for (unsigned i = 0; i < BALANCE_MAX_VLANS &&
	     (et == 0x8100 || et == 0x88a8 || et == 0x9100); i++)
		if (!cursor_skip(&c, 2) || !cursor_be16(&c, &et))
			return hash_pair(&a, &b, 0);
	struct endpoint mac_a = a, mac_b = b;
	uint8_t proto = 0;
	bool ports = false;
	if (et == 0x0800) {
		uint8_t vihl;
		uint16_t frag;
		if (!cursor_u8(&c, &vihl) || (vihl >> 4) != 4 || (vihl & 15) < 5)
			return hash_pair(&mac_a, &mac_b, 0);
		size_t start = c.off - 1;
		if (!cursor_skip(&c, 5) || !cursor_be16(&c, &frag) ||
		    !cursor_skip(&c, 1) || !cursor_u8(&c, &proto) || !cursor_skip(&c, 2))
			return hash_pair(&mac_a, &mac_b, 0);
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		if (!cursor_copy(&c, a.addr, 4) || !cursor_copy(&c, b.addr, 4))
			return hash_pair(&mac_a, &mac_b, 0);
		c.off = start;
		ports = (frag & 0x3FFF) == 0 && cursor_skip(&c, (size_t)(vihl & 15) * 4);
	} else if (et == 0x86DD) {
		if (!cursor_skip(&c, 6) || !cursor_u8(&c, &proto) || !cursor_skip(&c, 1))
			return hash_pair(&mac_a, &mac_b, 0);
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		if (!cursor_copy(&c, a.addr, 16) || !cursor_copy(&c, b.addr, 16))
			return hash_pair(&mac_a, &mac_b, 0);
		ports = true; /* extension headers: hash on addresses + proto */
	} else {
		return hash_pair(&mac_a, &mac_b, 0);
	}
	if (ports && (proto == 6 || proto == 17 || proto == 132)) {
		uint16_t sp, dp;
		if (cursor_be16(&c, &sp) && cursor_be16(&c, &dp)) {
			a.port = sp;
			b.port = dp;
		}
	}
	return hash_pair(&a, &b, proto);
}
