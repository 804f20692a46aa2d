/*
 * dedup.c - one copy of each packet within a time window.
 *
 * Key (what survives a trip across switches and routers):
 *   IP:     the IP header with TTL / hop limit, the IPv4 header checksum and
 *           the ECN bits zeroed (a router rewrites the first two, a congested
 *           queue may set CE), then the L4 header and the first
 *           DEDUP_PAYLOAD_PREFIX payload bytes that were captured, plus the
 *           IP length from the header. MACs, VLAN tags, MPLS labels and the
 *           mirror encapsulation are outside the key. The IPv4 ID keeps
 *           two sends of the same bytes (a retransmission) apart.
 *   non-IP: the frame from the EtherType after the VLAN tags on (first
 *           DEDUP_NONIP_PREFIX bytes), plus the frame length.
 *
 * Table: 2^table_bits entries in sets of DEDUP_WAYS (one cache line, so a
 * check costs one memory access), each a 32-bit
 * fingerprint (the high half of the 64-bit key hash; the low half picks
 * the set), the first copy's time and its tag. Memory is fixed at creation
 * (16 bytes per entry) and nothing is allocated per packet. A packet whose
 * fingerprint is in its set with a time no further than the window away is
 * a duplicate; the entry is not refreshed, so the window runs from the
 * first copy. Otherwise it takes a free or expired way, or, when every way
 * still lies inside the window, the oldest one (counted as evicted_early:
 * the table is too small for the packet rate times the window).
 *
 * Default window 10 ms: copies of one packet from one switch (rx and tx of
 * two mirrored ports) arrive microseconds apart, and copies that travel
 * different mirror paths (local SPAN and ERSPAN from a switch a few hops
 * away) within a few milliseconds. A TCP retransmission by timeout comes
 * 200 ms (Linux minimum RTO) to 1 s (RFC 6298) later and so stays outside;
 * a fast retransmission can come sooner but carries a new IPv4 ID (and a
 * new TCP timestamp), and cyclic industrial traffic (PROFINET, GOOSE, SV,
 * Modbus polls) carries counters that change per send. At 1 Mpps, 10 ms is
 * 10,000 packets: the default 131,072-entry table (2 MiB) keeps that with
 * room (0.3 live entries per 4-way set on average).
 */
#include "core/hash.h"
#include "mirror/dedup.h"

#include <stdlib.h>
#include <string.h>

#define DEDUP_WAYS 4            /* entries per set: one 64-byte cache line */
#define DEDUP_KEY_MAX 256       /* bytes copied into the key buffer at most */
#define DEDUP_NONIP_PREFIX 128  /* non-IP frame bytes hashed */
#define DEDUP_NOPAYLOAD_PREFIX 128 /* IP bytes hashed when L4 is unknown */

struct dedup_entry {
	uint32_t fp;  /* fingerprint, 0 = empty */
	uint32_t tag; /* where the first copy came from */
	uint64_t ts;  /* time of the first copy */
};

struct dedup {
	struct dedup_config cfg;     /* as given (table_bits clamped) */
	struct dedup_entry *table;   /* 2^table_bits entries */
	uint32_t set_mask;           /* sets - 1 */
	struct dedup_stats stats;    /* counters */
	struct event_counts *events; /* optional event counters */
};

void dedup_config_default(struct dedup_config *cfg)
{
	cfg->enabled = true;
	cfg->window_ns = DEDUP_DEFAULT_WINDOW_NS;
	cfg->table_bits = DEDUP_DEFAULT_TABLE_BITS;
}

struct dedup *dedup_new(const struct dedup_config *cfg)
{
	struct dedup *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->cfg = *cfg;
	if (d->cfg.table_bits < DEDUP_MIN_TABLE_BITS)
		d->cfg.table_bits = DEDUP_MIN_TABLE_BITS;
	if (d->cfg.table_bits > DEDUP_MAX_TABLE_BITS)
		d->cfg.table_bits = DEDUP_MAX_TABLE_BITS;
	size_t n = (size_t)1 << d->cfg.table_bits;
	d->table = aligned_alloc(64, n * sizeof(*d->table));
	if (d->table)
		memset(d->table, 0, n * sizeof(*d->table));
	if (!d->table) {
		free(d);
		return NULL;
	}
	d->set_mask = (uint32_t)(n / DEDUP_WAYS - 1);
	return d;
}

void dedup_free(struct dedup *d)
{
	if (!d)
		return;
	free(d->table);
	free(d);
}

void dedup_set_events(struct dedup *d, struct event_counts *ec)
{
	d->events = ec;
}

const struct dedup_stats *dedup_stats(const struct dedup *d)
{
	return &d->stats;
}

size_t dedup_memory(const struct dedup *d)
{
	return ((size_t)1 << d->cfg.table_bits) * sizeof(struct dedup_entry);
}

/* ---- hashing: 8 bytes at a time, murmur3 finaliser ---- */

static uint64_t rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* One 8-byte word into the running hash. */
static inline uint64_t hash_word(uint64_t h, uint64_t v)
{
	h ^= rotl64(v * 0x87c37b91114253d5ull, 31) * 0x4cf5ad432745937full;
	return rotl64(h, 27) * 5 + 0x52dce729;
}

/* The last (partial, possibly empty) word and the finaliser. */
static inline uint64_t hash_final(uint64_t h, uint64_t tail)
{
	h ^= rotl64(tail * 0x87c37b91114253d5ull, 31) * 0x4cf5ad432745937full;
	return hash_mix64(h);
}

/* Words are loaded in host order (the key is a local fingerprint). The
 * shortcuts below that mask bytes inside a word assume little-endian. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DEDUP_LE 1
#else
#define DEDUP_LE 0
#endif

static inline uint64_t load64(const uint8_t *b)
{
	uint64_t v;
	memcpy(&v, b, 8);
	return v;
}

/*
 * Hash of b[0..n) (words little-endian, the tail zero-filled); readable
 * (>= n) says how many bytes from b may be read, so the tail is one load
 * and a mask when 8 bytes are there, byte by byte otherwise. The value
 * depends only on b[0..n).
 */
static inline __attribute__((always_inline)) uint64_t
hash_bytes(const uint8_t *b, size_t n, uint64_t seed, size_t readable)
{
	uint64_t h = seed ^ (n * 0x9e3779b97f4a7c15ull);
	size_t i = 0;
	for (; i + 8 <= n; i += 8)
		h = hash_word(h, load64(b + i));
	uint64_t v = 0;
	size_t r = n - i;
	if (DEDUP_LE && r && i + 8 <= readable) {
		v = load64(b + i) & (~0ull >> (64 - 8 * r));
	} else {
		for (size_t k = 0; k < r; k++)
			v |= (uint64_t)b[i + k] << (8 * k);
	}
	return hash_final(h, v);
}

static size_t min_sz(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Key of an IP packet; false when the IP header is not there. */
static bool key_ip(const struct packet *p, uint64_t *out)
{
	if (!p->frame || p->l3_off >= p->frame_caplen)
		return false;
	const uint8_t *ip = p->frame + p->l3_off;
	size_t avail = p->frame_caplen - p->l3_off;
	uint8_t buf[60]; /* the IP header, masked */
	size_t hdr;
	uint8_t ver = ip[0] >> 4;
	if (ver == 4 && (p->layers & LAYER_IPV4)) {
		hdr = (size_t)(ip[0] & 0x0f) * 4;
		if (hdr < 20 || avail < hdr)
			return false;
	} else if (ver == 6 && (p->layers & LAYER_IPV6)) {
		hdr = 40;
		if (avail < hdr)
			return false;
	} else {
		return false;
	}
	/* Bytes to key: headers up to the payload, then a payload prefix. */
	size_t n;
	/* (compared as integers: payload may point into another buffer) */
	uintptr_t pl = (uintptr_t)p->payload, ipa = (uintptr_t)ip;
	if (p->payload && pl >= ipa && pl - ipa <= avail) {
		size_t l4end = (size_t)(pl - ipa);
		n = l4end + min_sz(p->payload_caplen, DEDUP_PAYLOAD_PREFIX);
	} else {
		n = DEDUP_NOPAYLOAD_PREFIX;
	}
	if (p->l3_len && n > p->l3_len)
		n = p->l3_len;
	n = min_sz(min_sz(n, avail), DEDUP_KEY_MAX);
	if (n < hdr)
		n = hdr;
	uint64_t len = p->l3_len;
	uint64_t seed = 0x6a09e667f3bcc908ull ^ (len << 8) ^ ver;
	uint64_t h;
	if (DEDUP_LE && ver == 4 && hdr == 20) {
		/* The common header, masked in registers: the same value as
		 * hash_bytes() over the masked copy below. */
		uint64_t w0 = load64(ip) & ~(0x03ull << 8);      /* ECN */
		uint64_t w1 = load64(ip + 8) & ~0xffff00ffull;   /* TTL, checksum */
		uint32_t w2;
		memcpy(&w2, ip + 16, 4);
		h = seed ^ (20 * 0x9e3779b97f4a7c15ull);
		h = hash_word(hash_word(h, w0), w1);
		h = hash_final(h, w2);
	} else {
		memcpy(buf, ip, hdr); /* only the header is masked; the rest is hashed in place */
		if (ver == 4) {
			buf[1] &= 0xfc; /* ECN */
			buf[8] = 0;     /* TTL */
			buf[10] = 0;    /* header checksum */
			buf[11] = 0;
		} else {
			buf[1] &= 0xcf; /* ECN (traffic class bits 5..4 of byte 1) */
			buf[7] = 0;     /* hop limit */
		}
		h = hash_bytes(buf, hdr, seed, hdr);
	}
	*out = hash_bytes(ip + hdr, n - hdr, h, avail - hdr);
	return true;
}

/* Key of a non-IP frame: from the EtherType after the VLAN tags on. */
static bool key_frame(const struct packet *p, uint64_t *out)
{
	if (!p->frame || p->frame_caplen == 0)
		return false;
	size_t off = 0;
	if (p->frame_is_eth) {
		off = 12;
		for (int i = 0; i < 8 && off + 4 <= p->frame_caplen; i++) {
			uint16_t et = (uint16_t)((p->frame[off] << 8) | p->frame[off + 1]);
			if (et != 0x8100 && et != 0x88a8 && et != 0x9100)
				break;
			off += 4;
		}
		if (off + 2 > p->frame_caplen)
			return false;
	}
	size_t n = min_sz(p->frame_caplen - off, DEDUP_NONIP_PREFIX);
	uint64_t len = p->frame_wirelen > off ? p->frame_wirelen - off : 0;
	*out = hash_bytes(p->frame + off, n, 0xbb67ae8584caa73bull ^ (len << 8),
			  p->frame_caplen - off);
	return true;
}

uint64_t dedup_fingerprint(const struct packet *p)
{
	uint64_t h;
	if (key_ip(p, &h) || key_frame(p, &h))
		return h;
	return 0;
}

enum { DEDUP_KEY_IP = 1, DEDUP_KEY_FRAME = 2, DEDUP_KEY_NONE = 3 };

/* The key of p and which kind it is (enum above). */
static uint8_t key_of(const struct packet *p, uint64_t *h)
{
	if (key_ip(p, h))
		return DEDUP_KEY_IP;
	if (key_frame(p, h))
		return DEDUP_KEY_FRAME;
	*h = 0;
	return DEDUP_KEY_NONE;
}

void dedup_prepare(const struct dedup *d, struct packet *p)
{
	if (!d->cfg.enabled)
		return;
	p->dedup_kind = key_of(p, &p->dedup_key);
	if (p->dedup_kind != DEDUP_KEY_NONE)
		__builtin_prefetch(&d->table[(size_t)((uint32_t)p->dedup_key & d->set_mask) * DEDUP_WAYS], 1);
}

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

bool dedup_check(struct dedup *d, const struct packet *p, uint32_t tag,
		 uint32_t *orig_tag)
{
	if (!d->cfg.enabled)
		return false;
	d->stats.checked++;
	uint64_t h;
	uint8_t kind = p->dedup_kind ? p->dedup_kind : key_of(p, &h);
	if (p->dedup_kind)
		h = p->dedup_key;
	if (kind == DEDUP_KEY_NONE) {
		d->stats.unkeyable++;
		return false;
	}
	if (kind == DEDUP_KEY_FRAME)
		d->stats.non_ip++;
	uint32_t fp = (uint32_t)(h >> 32);
	if (fp == 0)
		fp = 1;
	struct dedup_entry *set =
		&d->table[(size_t)((uint32_t)h & d->set_mask) * DEDUP_WAYS];
	uint64_t win = d->cfg.window_ns;
	/* One pass without branches over the set: which ways are live (in
	 * use, inside the window) and which of those hold fp. An fp is
	 * inserted only when no live way holds it, so at most one does. */
	unsigned live = 0, hit = 0;
	for (int i = 0; i < DEDUP_WAYS; i++) {
		unsigned l = set[i].fp != 0 && absdiff(p->ts_ns, set[i].ts) <= win;
		live |= l << i;
		hit |= (l & (set[i].fp == fp)) << i;
	}
	if (hit) {
		struct dedup_entry *e = &set[__builtin_ctz(hit)];
		d->stats.duplicates++;
		if (e->tag != tag)
			d->stats.cross_tag++;
		if (orig_tag)
			*orig_tag = e->tag;
		return true;
	}
	/* The first empty or expired way is reused. */
	int victim = live != (1u << DEDUP_WAYS) - 1 ? __builtin_ctz(~live) : -1;
	if (victim < 0) {
		victim = 0;
		for (int i = 1; i < DEDUP_WAYS; i++)
			if (set[i].ts < set[victim].ts)
				victim = i;
		d->stats.evicted_early++;
		if (d->events)
			event_count(d->events, EV_MIRROR_DEDUP_EVICTED_EARLY);
	}
	set[victim].fp = fp;
	set[victim].tag = tag;
	set[victim].ts = p->ts_ns;
	return false;
}
