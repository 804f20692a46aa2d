/*
 * frag.c - reassembly of outer IPv4/IPv6 fragments that carry a mirror
 * tunnel (RFC 791 section 3.2, RFC 8200 section 4.5), so that an ERSPAN or
 * VXLAN copy cut in two by a 1500-byte path is decoded whole.
 *
 * Which datagrams: only fragments outside any mirror encapsulation whose
 * protocol is GRE or UDP. The first fragment tells: GRE, or UDP to a tunnel
 * port, is reassembled; anything else is not a tunnel and its pieces go on
 * as ordinary (inner) fragments - the slot stays as a "pass" marker until
 * the timeout so that later pieces go on too. Pieces that overtake the first
 * are held on speculation; if the first then shows a non-tunnel datagram,
 * they are dropped (decode_stats.frag_not_tunnel).
 *
 * Bounds: DECODE_FRAG_SLOTS datagrams (decode.frag.table_full), at most
 * DECODE_FRAG_MAX payload bytes each and FRAG_HDR_MAX bytes of headers in
 * front of the payload (decode.frag.too_big), DECODE_FRAG_TIMEOUT_NS of
 * packet time from the first piece (decode.frag.timeout). Overlapping
 * pieces drop the whole datagram (decode.frag.overlap): overlaps are how
 * evasion is attempted, and mirror copies never produce them. A piece seen
 * twice with the same place and bytes (a duplicated copy) is only counted
 * (decode_stats.frag_duplicates) and consumed; a copy arriving after its
 * datagram was completed starts a new one, which expires.
 * The lookup is a linear scan of the slots: only tunnel fragments reach it.
 * A slot's 64 KiB payload buffer is allocated the first time the slot holds
 * a piece and kept until the decoder is freed: creating a decoder stays
 * cheap, pass markers cost no buffer, and a busy table allocates nothing
 * per packet.
 */
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"

#define FRAG_HDR_MAX 256                         /* link + IP headers kept */
#define FRAG_UNITS ((DECODE_FRAG_MAX + 7) / 8)   /* 8-byte units per datagram */

struct frag_slot {
	bool used;                /* slot holds a datagram or a pass marker */
	bool pass;                /* first piece said: not a tunnel */
	bool have_first;          /* the offset-0 piece arrived (hdr valid) */
	bool have_last;           /* the MF=0 piece arrived (total valid) */
	struct frag_key key;      /* outer addresses, protocol, ID */
	uint64_t first_ts;        /* packet time of the first piece seen */
	uint32_t total;           /* payload length, once have_last */
	uint32_t received;        /* payload bytes held */
	uint32_t hdr_len;         /* bytes in hdr */
	uint32_t l3_off;          /* IP header offset in hdr */
	uint32_t nh_off;          /* IPv6: next-header byte to patch in hdr */
	uint8_t next_hdr;         /* IPv6: value to patch in */
	uint32_t pieces;          /* fragments held */
	uint8_t hdr[FRAG_HDR_MAX];/* first piece's bytes before its payload */
	uint8_t map[(FRAG_UNITS + 7) / 8]; /* 8-byte units received */
	uint8_t *data;            /* DECODE_FRAG_MAX payload bytes, lazily */
};

struct frag_table {
	struct frag_slot slot[DECODE_FRAG_SLOTS]; /* the datagrams */
	unsigned used;          /* slots in use */
};

struct frag_table *dec_frag_new(void)
{
	return calloc(1, sizeof(struct frag_table));
}

void dec_frag_free(struct frag_table *ft)
{
	if (!ft)
		return;
	for (unsigned i = 0; i < DECODE_FRAG_SLOTS; i++)
		free(ft->slot[i].data);
	free(ft);
}

unsigned dec_frag_inflight(const struct frag_table *ft)
{
	unsigned n = 0;
	for (unsigned i = 0; ft->used && i < DECODE_FRAG_SLOTS; i++)
		n += ft->slot[i].used && !ft->slot[i].pass;
	return n;
}

static void slot_free(struct frag_table *ft, struct frag_slot *s)
{
	if (s->used && ft->used)
		ft->used--;
	s->used = false;
	s->pass = false;
}

static void slot_clear_data(struct frag_slot *s)
{
	s->have_first = s->have_last = false;
	s->total = s->received = s->pieces = 0;
	s->hdr_len = 0;
	memset(s->map, 0, sizeof(s->map));
}

static bool key_eq(const struct frag_key *a, const struct frag_key *b)
{
	return a->family == b->family && a->proto == b->proto &&
	       a->id == b->id && !memcmp(a->src, b->src, 16) &&
	       !memcmp(a->dst, b->dst, 16);
}

/* Drop datagrams older than the timeout (packet time). */
static void expire(struct decoder *d, struct packet *p, uint64_t now)
{
	struct frag_table *ft = d->frag;
	if (!ft->used)
		return;
	for (unsigned i = 0; i < DECODE_FRAG_SLOTS; i++) {
		struct frag_slot *s = &ft->slot[i];
		if (!s->used || (int64_t)(now - s->first_ts) <= (int64_t)DECODE_FRAG_TIMEOUT_NS)
			continue;
		if (!s->pass) {
			d->st.frag_expired++;
			dec_event(d, p, EV_DEC_FRAG_TIMEOUT);
		}
		slot_free(ft, s);
	}
}

static struct frag_slot *slot_find(struct frag_table *ft, const struct frag_key *k)
{
	if (!ft->used)
		return NULL;
	for (unsigned i = 0; i < DECODE_FRAG_SLOTS; i++)
		if (ft->slot[i].used && key_eq(&ft->slot[i].key, k))
			return &ft->slot[i];
	return NULL;
}

static struct frag_slot *slot_new(struct frag_table *ft, const struct frag_key *k,
				  uint64_t now)
{
	for (unsigned i = 0; i < DECODE_FRAG_SLOTS; i++) {
		struct frag_slot *s = &ft->slot[i];
		if (s->used)
			continue;
		s->used = true;
		s->pass = false;
		s->key = *k;
		s->first_ts = now;
		slot_clear_data(s);
		ft->used++;
		return s;
	}
	return NULL;
}


/* Internet checksum of an IPv4 header (so the rebuilt header is valid). */
static uint16_t ip_csum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += rd_be16(h + i);
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

static enum dl rebuild(struct decoder *d, struct frag_slot *s)
{
	struct frag_table *ft = d->frag;
	if (!d->rebuilt) {
		d->rebuilt = malloc(FRAG_HDR_MAX + DECODE_FRAG_MAX);
		if (!d->rebuilt)
			return DL_DONE;
	}
	uint8_t *out = d->rebuilt;
	memcpy(out, s->hdr, s->hdr_len);
	memcpy(out + s->hdr_len, s->data, s->total);
	uint8_t *ip = out + s->l3_off;
	if (s->key.family == 4) {
		uint32_t hlen = (uint32_t)(ip[0] & 0x0F) * 4;
		uint32_t tot = hlen + s->total;
		ip[2] = (uint8_t)(tot >> 8);
		ip[3] = (uint8_t)tot;
		ip[6] = ip[7] = 0;
		ip[10] = ip[11] = 0;
		uint16_t ck = ip_csum(ip, hlen);
		ip[10] = (uint8_t)(ck >> 8);
		ip[11] = (uint8_t)ck;
	} else {
		uint32_t plen = s->hdr_len - s->l3_off - 40 + s->total;
		ip[4] = (uint8_t)(plen >> 8);
		ip[5] = (uint8_t)plen;
		out[s->nh_off] = s->next_hdr;
	}
	d->rebuilt_len = s->hdr_len + s->total;
	d->st.frag_rebuilt++;
	slot_free(ft, s);
	return DL_REBUILT;
}

/* Drop a datagram because of piece fp; the piece goes on unreassembled. */
static enum dl drop(struct decoder *d, struct packet *p, struct frag_slot *s,
		    enum event_id ev, uint64_t *stat)
{
	dec_event(d, p, ev);
	(*stat)++;
	if (s)
		slot_free(d->frag, s);
	return DL_DONE;
}

enum dl dec_frag_input(struct decoder *d, struct packet *p,
		   const struct frag_key *k, const struct frag_piece *fp)
{
	struct frag_table *ft = d->frag;
	uint64_t now = p->ts_ns;
	d->st.frag_seen++;
	expire(d, p, now);
	struct frag_slot *s = slot_find(ft, k);
	if (s && s->pass)
		return DL_DONE;
	if (fp->off == 0 && !fp->tunnel) {
		/* Not a tunnel: let this datagram's pieces through. */
		if (s) {
			d->st.frag_not_tunnel += s->pieces;
			slot_clear_data(s);
			s->pass = true;
		} else if ((s = slot_new(ft, k, now)) != NULL) {
			s->pass = true;
		}
		return DL_DONE;
	}
	if (fp->off == 0 && fp->hdr_len > FRAG_HDR_MAX)
		return drop(d, p, s, EV_DEC_FRAG_TOO_BIG, &d->st.frag_too_big);
	if ((uint64_t)fp->off + fp->len > DECODE_FRAG_MAX)
		return drop(d, p, s, EV_DEC_FRAG_TOO_BIG, &d->st.frag_too_big);
	if (fp->more && (fp->len % 8 != 0 || fp->len == 0)) {
		uint64_t dummy = 0;
		return drop(d, p, s, EV_DEC_FRAG_BAD_LEN, &dummy);
	}
	if (!s) {
		s = slot_new(ft, k, now);
		if (!s) {
			dec_event(d, p, EV_DEC_FRAG_TABLE_FULL);
			d->st.frag_table_full++;
			return DL_DONE;
		}
	}
	if (!s->data && !(s->data = malloc(DECODE_FRAG_MAX))) {
		slot_free(ft, s); /* out of memory: as good as a full table */
		dec_event(d, p, EV_DEC_FRAG_TABLE_FULL);
		d->st.frag_table_full++;
		return DL_DONE;
	}
	/* Overlap / inconsistency checks before anything is written. */
	uint32_t u0 = fp->off / 8, u1 = (fp->off + fp->len + 7) / 8;
	uint32_t end = fp->off + fp->len;
	unsigned held = 0;
	for (uint32_t u = u0; u < u1; u++)
		held += (s->map[u / 8] >> (u % 8)) & 1u;
	if (held) {
		/* The same piece again (a copy seen twice): keep the first. */
		if (held == u1 - u0 && fp->len &&
		    !memcmp(s->data + fp->off, fp->data, fp->len) &&
		    (fp->more || (s->have_last && end == s->total))) {
			d->st.frag_duplicates++;
			return DL_HELD;
		}
		return drop(d, p, s, EV_DEC_FRAG_OVERLAP, &d->st.frag_overlap);
	}
	if (s->have_last && end > s->total)
		return drop(d, p, s, EV_DEC_FRAG_OVERLAP, &d->st.frag_overlap);
	if (!fp->more) {
		if (s->have_last)
			return drop(d, p, s, EV_DEC_FRAG_OVERLAP, &d->st.frag_overlap);
		/* Nothing held may lie beyond the end this piece announces. */
		for (uint32_t u = u1; u < FRAG_UNITS; u++)
			if (s->map[u / 8] & (1u << (u % 8)))
				return drop(d, p, s, EV_DEC_FRAG_OVERLAP, &d->st.frag_overlap);
		s->have_last = true;
		s->total = end;
	}
	memcpy(s->data + fp->off, fp->data, fp->len);
	for (uint32_t u = u0; u < u1; u++)
		s->map[u / 8] |= (uint8_t)(1u << (u % 8));
	s->received += fp->len;
	s->pieces++;
	if (fp->off == 0) {
		s->have_first = true;
		memcpy(s->hdr, fp->pkt, fp->hdr_len);
		s->hdr_len = fp->hdr_len;
		s->l3_off = fp->l3_off;
		s->nh_off = fp->nh_off;
		s->next_hdr = fp->next_hdr;
	}
	if (s->have_first && s->have_last && s->received == s->total)
		return rebuild(d, s);
	d->st.frag_held++;
	return DL_HELD;
}

bool dec_inner_fragment(struct decoder *d, struct packet *p, bool first)
{
	p->ip_fragment = true;
	p->ip_first_fragment = first;
	dec_event(d, p, EV_DEC_FRAG_INNER);
	if (first)
		return false;
	dec_layer(p, "frag", LAYER_FRAGMENT);
	return true;
}
