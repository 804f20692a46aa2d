/*
 * describe.c - decode_describe(): one deterministic line per packet for
 * --packets output, golden tests and debugging.
 *
 * Shape (fields only when set, always in this order):
 *   CHAIN [transport=T outer=SRC>DST[:SPORT>DPORT] session=N gre_key=K
 *   gre_seq=S erspan_vlan=V cos=C en=E T=0|1 index=I hwid=H dir=in|out
 *   ft=F gra=G sgt=S hw_ts=RAW hw_ts_ns=NS rspan_vlan=V outer_frag depth=D]
 *   vlan=ID/PCP,... mpls=N SRC>DST proto=P ttl=T [frag|frag1]
 *   sport>dport flags=... seq= ack= win= | icmp=TYPE/CODE len=PAYLOAD
 *   trunc ev=NAME,...
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decode/decode_int.h"

struct out {
	char *buf;   /* destination */
	size_t len;  /* its size */
	size_t used; /* characters written (capped at len - 1) */
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	if (o->used + 1 >= o->len)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->used += (size_t)n;
	if (o->used >= o->len)
		o->used = o->len - 1;
}

static void addr(char *s, size_t n, const struct ip_addr *a)
{
	if (a->family == 4)
		inet_ntop(AF_INET, a->a, s, (socklen_t)n);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->a, s, (socklen_t)n);
	else
		snprintf(s, n, "-");
}

static void tcp_flags(char *s, uint8_t f)
{
	static const char names[] = "FSRPAUEC";
	size_t k = 0;
	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			s[k++] = names[i];
	if (!k)
		s[k++] = '.';
	s[k] = 0;
}

/* An ERSPAN II or III header was read (type I has none). */
static bool has_erspan_header(const struct packet *p)
{
	for (unsigned i = 0; i < p->nlayer_names; i++)
		if (!strcmp(p->layer_names[i], "erspan2") ||
		    !strcmp(p->layer_names[i], "erspan3"))
			return true;
	return false;
}

void decode_describe(const struct packet *p, char *buf, size_t len)
{
	struct out o = { buf, len, 0 };
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const struct mirror_ctx *m = &p->mirror;
	if (!len)
		return;
	buf[0] = 0;
	for (unsigned i = 0; i < p->nlayer_names; i++)
		put(&o, "%s%s", i ? "/" : "", p->layer_names[i]);
	if (!p->nlayer_names)
		put(&o, "-");
	if (m->transport != TRANSPORT_PLAIN || m->depth) {
		put(&o, " transport=%s", transport_name(m->transport));
		if (m->outer_src.family) {
			addr(a, sizeof(a), &m->outer_src);
			addr(b, sizeof(b), &m->outer_dst);
			put(&o, " outer=%s>%s", a, b);
			if (m->outer_sport || m->outer_dport)
				put(&o, ":%u>%u", m->outer_sport, m->outer_dport);
		}
		if (m->has_session)
			put(&o, " session=%" PRIu32, m->session);
		if (m->has_gre_key)
			put(&o, " gre_key=%" PRIu32, m->gre_key);
		if (m->has_gre_seq)
			put(&o, " gre_seq=%" PRIu32, m->gre_seq);
		if (has_erspan_header(p))
			put(&o, " erspan_vlan=%u cos=%u en=%u T=%d", m->erspan_vlan,
			    m->cos, m->erspan_en, m->truncated ? 1 : 0);
		if (m->port_index)
			put(&o, " index=%" PRIu32, m->port_index);
		if (m->has_hw_ts) {
			put(&o, " hwid=%u dir=%s ft=%u gra=%u", m->hwid,
			    m->dir == MIRROR_DIR_EGRESS ? "out" : "in", m->ft, m->gra);
			if (m->sgt)
				put(&o, " sgt=%u", m->sgt);
			put(&o, " hw_ts=%" PRIu64, m->hw_ts);
			if (m->has_hw_ts_ns)
				put(&o, " hw_ts_ns=%" PRIu64, m->hw_ts_ns);
		}
		if (m->transport == TRANSPORT_RSPAN)
			put(&o, " rspan_vlan=%u", m->rspan_vlan);
		if (m->outer_fragmented)
			put(&o, " outer_frag");
		put(&o, " depth=%u", m->depth);
	}
	if (p->nvlans) {
		put(&o, " vlan=");
		for (unsigned i = 0; i < p->nvlans && i < PACKET_MAX_VLANS; i++)
			put(&o, "%s%u/%u", i ? "," : "", p->vlans[i], p->vlan_pcp[i]);
	}
	if (p->mpls_labels)
		put(&o, " mpls=%u", p->mpls_labels);
	if (p->src.family) {
		addr(a, sizeof(a), &p->src);
		addr(b, sizeof(b), &p->dst);
		put(&o, " %s>%s proto=%u ttl=%u", a, b, p->ip_proto, p->ttl);
		if (p->ip_fragment)
			put(&o, p->ip_first_fragment ? " frag1" : " frag");
	}
	if (p->layers & (LAYER_TCP | LAYER_UDP) && !(p->layers & LAYER_FRAGMENT &&
						     !p->ip_first_fragment))
		put(&o, " %u>%u", p->sport, p->dport);
	if (p->src.family && p->ip_proto == 6 && p->layers & LAYER_TCP) {
		char f[9];
		tcp_flags(f, p->tcp_flags);
		put(&o, " flags=%s seq=%" PRIu32 " ack=%" PRIu32 " win=%u", f,
		    p->tcp_seq, p->tcp_ack, p->tcp_win);
	}
	if (p->layers & (LAYER_ICMP | LAYER_ICMP6) &&
	    (p->ip_proto == 1 || p->ip_proto == 58))
		put(&o, " icmp=%u/%u", p->icmp_type, p->icmp_code);
	if (p->payload)
		put(&o, " len=%" PRIu32 "/%" PRIu32, p->payload_caplen, p->payload_len);
	if (p->truncated)
		put(&o, " trunc");
	if (p->nevents) {
		put(&o, " ev=");
		for (unsigned i = 0; i < p->nevents && i < PACKET_MAX_EVENTS; i++)
			put(&o, "%s%s", i ? "," : "", event_name((enum event_id)p->events[i]));
		if (p->nevents > PACKET_MAX_EVENTS)
			put(&o, ",+%u", p->nevents - PACKET_MAX_EVENTS);
	}
}
