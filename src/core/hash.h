/*
 * hash.h - the 64-bit mixing step shared by the hash tables (flows, mirror
 * sessions, dedup fingerprints, send balancing, the inventory): the
 * finaliser of MurmurHash3 (fmix64, Austin Appleby, public domain), which
 * spreads every input bit over the whole word. Keep it exactly as it is:
 * balanced destinations and table layouts depend on its values.
 */
#ifndef MS_CORE_HASH_H
#define MS_CORE_HASH_H

#include <stdint.h>

static inline uint64_t hash_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

#endif
