/*
 * balance.h - spreading flows over several mirror destinations (--balance)
 * by a symmetric hash of the inner 5-tuple, so that both directions of a
 * flow reach the same sensor. Frames without IP hash on the MAC pair (also
 * symmetric); IP fragments after the first hash on the addresses only (all
 * fragments of one packet stay together, ports are not in them).
 */
#ifndef MS_SEND_BALANCE_H
#define MS_SEND_BALANCE_H

#include <stdint.h>

/* Symmetric flow hash of an Ethernet frame (VLAN tags skipped). */
uint64_t balance_hash(const uint8_t *frame, uint32_t caplen);

/* Destination index in [0, n) for a hash. */
static inline unsigned balance_pick(uint64_t hash, unsigned n)
{
	return n ? (unsigned)(((hash >> 32) * n) >> 32) : 0;
}

#endif
