/*
 * decode.c - the decoder stack's driver: the layer table, the dispatch loop,
 * and the helpers every decoder shares (events, layer names, EtherType and
 * UDP port dispatch, entering a mirror encapsulation).
 *
 * The loop: start from the capture's link type, call the decoder of the
 * current layer, which returns the next one, until DL_DONE or until
 * DECODE_MAX_LAYERS headers were read (decode.too_many_layers). Mirror and
 * tunnel encapsulations are bounded separately by DECODE_MAX_DEPTH
 * (decode.depth_exceeded).
 *
 * Mirror context with nested encapsulations (for example an AWS gateway load
 * balancer's Geneve around a VXLAN mirror copy): transport, outer addresses
 * and ports are those of the OUTERMOST mirror encapsulation (what the sensor
 * receives and must account for); the session (VNI / ERSPAN session) is the
 * INNERMOST one, since that is the mirror session that identifies the copied
 * traffic; the first GRE key and sequence number seen are kept (per-hop
 * sequence accounting is judged on the outer tunnel); mirror.depth counts
 * every encapsulation peeled. The packet's inner fields (VLANs, addresses,
 * ports) always describe the innermost frame, and so do the layer bits,
 * except the mirror ones (GRE, ERSPAN, VXLAN, GENEVE, TZSP), which stay set
 * once passed. layer_names lists every header read, outermost first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode_int.h"

static const dec_fn dec_table[DL__COUNT] = {
	[DL_ETH] = dec_eth,       [DL_SLL] = dec_sll,
	[DL_SLL2] = dec_sll2,     [DL_NULL] = dec_null,
	[DL_LOOP] = dec_loop,     [DL_RAWIP] = dec_rawip,
	[DL_VLAN] = dec_vlan,     [DL_MPLS] = dec_mpls,
	[DL_PWETH] = dec_pweth,   [DL_ETAG] = dec_etag,
	[DL_VNTAG] = dec_vntag,   [DL_PBB] = dec_pbb,
	[DL_PPPOE] = dec_pppoe,   [DL_ARISTA] = dec_arista,
	[DL_NSH] = dec_nsh,       [DL_IPV4] = dec_ipv4,
	[DL_IPV6] = dec_ipv6,     [DL_TCP] = dec_tcp,
	[DL_UDP] = dec_udp,       [DL_ICMP] = dec_icmp,
	[DL_ICMP6] = dec_icmp6,   [DL_ARP] = dec_arp,
	[DL_GRE] = dec_gre,       [DL_ERSPAN2] = dec_erspan2,
	[DL_ERSPAN3] = dec_erspan3, [DL_WCCP] = dec_wccp,
	[DL_VXLAN] = dec_vxlan,   [DL_VXLAN_GPE] = dec_vxlan_gpe,
	[DL_GENEVE] = dec_geneve, [DL_TZSP] = dec_tzsp,
	[DL_CMD] = dec_cmd,       [DL_WLAN] = dec_wlan,
};

static const char *const transport_names[TRANSPORT__COUNT] = {
	[TRANSPORT_PLAIN] = "plain",     [TRANSPORT_RSPAN] = "rspan",
	[TRANSPORT_ERSPAN1] = "erspan1", [TRANSPORT_ERSPAN2] = "erspan2",
	[TRANSPORT_ERSPAN3] = "erspan3", [TRANSPORT_GRE] = "gre",
	[TRANSPORT_VXLAN] = "vxlan",     [TRANSPORT_GENEVE] = "geneve",
	[TRANSPORT_TZSP] = "tzsp",
};

const char *transport_name(enum transport t)
{
	return (unsigned)t < TRANSPORT__COUNT ? transport_names[t] : "unknown";
}

void decode_config_default(struct decode_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->vxlan_ports[0] = 4789;
	cfg->nvxlan_ports = 1;
	cfg->geneve_ports[0] = 6081;
	cfg->ngeneve_ports = 1;
	cfg->tzsp_ports[0] = 37008;
	cfg->ntzsp_ports = 1;
	cfg->reassemble_outer = true;
}

struct decoder *decoder_new(const struct decode_config *cfg,
			    struct event_counts *events)
{
	struct decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (cfg)
		d->cfg = *cfg;
	else
		decode_config_default(&d->cfg);
	if (d->cfg.nvxlan_ports > DECODE_MAX_PORTS)
		d->cfg.nvxlan_ports = DECODE_MAX_PORTS;
	if (d->cfg.ngeneve_ports > DECODE_MAX_PORTS)
		d->cfg.ngeneve_ports = DECODE_MAX_PORTS;
	if (d->cfg.ntzsp_ports > DECODE_MAX_PORTS)
		d->cfg.ntzsp_ports = DECODE_MAX_PORTS;
	if (d->cfg.nrspan_vlans > DECODE_MAX_RSPAN)
		d->cfg.nrspan_vlans = DECODE_MAX_RSPAN;
	d->ev = events;
	if (d->cfg.reassemble_outer) {
		d->frag = dec_frag_new();
		if (!d->frag) {
			free(d);
			return NULL;
		}
	}
	return d;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	dec_frag_free(d->frag);
	free(d->rebuilt);
	free(d);
}

const struct decode_stats *decoder_stats(const struct decoder *d)
{
	return &d->st;
}

void dec_event(struct decoder *d, struct packet *p, enum event_id id)
{
	if (d->ev)
		event_count(d->ev, id);
	if (p->nevents == 0)
		p->first_event = (uint16_t)id;
	if (p->nevents < PACKET_MAX_EVENTS)
		p->events[p->nevents] = (uint16_t)id;
	if (p->nevents < UINT8_MAX)
		p->nevents++;
}

void dec_layer(struct packet *p, const char *name, uint32_t bit)
{
	p->layers |= bit;
	if (p->nlayer_names < PACKET_MAX_LAYERS)
		p->layer_names[p->nlayer_names++] = name;
	else /* the list is full: its last entry says names were lost */
		p->layer_names[PACKET_MAX_LAYERS - 1] = "...";
}

bool dec_cut_here(const struct packet *p, const struct cursor *c)
{
	if (p->mirror.truncated)
		return true;
	return c->len == p->caplen && p->caplen < p->wirelen;
}

enum dl dec_short(struct decoder *d, struct packet *p, const struct cursor *c,
		  enum event_id truncated, enum event_id bad)
{
	if (dec_cut_here(p, c)) {
		p->truncated = true;
		dec_event(d, p, truncated);
	} else {
		dec_event(d, p, bad);
	}
	return DL_DONE;
}

enum dl dec_ethertype(struct decoder *d, struct packet *p, uint16_t type)
{
	(void)d;
	p->ethertype = type;
	if (type <= 1500) { /* 802.3 length: an LLC frame (STP, CDP, ...) */
		p->ethertype = 0;
		dec_layer(p, "llc", 0);
		return DL_DONE;
	}
	switch (type) {
	case 0x0800: return DL_IPV4;
	case 0x86DD: return DL_IPV6;
	case 0x0806: return DL_ARP;
	case 0x8100: /* 802.1Q */
	case 0x88A8: /* 802.1ad S-tag */
	case 0x9100: /* pre-standard QinQ */
		return DL_VLAN;
	case 0x8847: /* MPLS unicast */
	case 0x8848: /* MPLS multicast */
		return DL_MPLS;
	case 0x893F: return DL_ETAG;
	case 0x8926: return DL_VNTAG;
	case 0x88E7: return DL_PBB;
	case 0x8864: return DL_PPPOE;
	case 0xD28B: return DL_ARISTA;
	case 0x894F: return DL_NSH;
	default: return DL_DONE;
	}
}

static bool port_in(const uint16_t *ports, unsigned n, uint16_t port)
{
	for (unsigned i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

enum dl dec_udp_tunnel(const struct decoder *d, uint16_t dport)
{
	if (port_in(d->cfg.vxlan_ports, d->cfg.nvxlan_ports, dport))
		return DL_VXLAN;
	if (port_in(d->cfg.geneve_ports, d->cfg.ngeneve_ports, dport))
		return DL_GENEVE;
	if (port_in(d->cfg.tzsp_ports, d->cfg.ntzsp_ports, dport))
		return DL_TZSP;
	if (dport == DEC_PORT_GRE_UDP)
		return DL_GRE;
	if (dport == DEC_PORT_VXLAN_GPE)
		return DL_VXLAN_GPE;
	return DL_DONE;
}

bool dec_payload_is_tunnel(const struct decoder *d, uint8_t proto,
			   const uint8_t *data, uint32_t len)
{
	if (proto == 47)
		return true;
	if (proto != 17 || len < 4)
		return false;
	return dec_udp_tunnel(d, rd_be16(data + 2)) != DL_DONE;
}

/* Forget what was learnt about the frame that encapsulated the next one. */
static void reset_inner(struct decoder *d, struct packet *p)
{
	memset(p->eth_src, 0, sizeof(p->eth_src));
	memset(p->eth_dst, 0, sizeof(p->eth_dst));
	p->ethertype = 0;
	memset(p->vlans, 0, sizeof(p->vlans));
	memset(p->vlan_pcp, 0, sizeof(p->vlan_pcp));
	p->nvlans = 0;
	p->mpls_labels = 0;
	memset(&p->src, 0, sizeof(p->src));
	memset(&p->dst, 0, sizeof(p->dst));
	p->ip_proto = 0;
	p->ttl = 0;
	p->l3_off = 0;
	p->l3_len = 0;
	p->ip_fragment = false;
	p->ip_first_fragment = false;
	p->sport = p->dport = 0;
	p->tcp_flags = 0;
	p->tcp_seq = p->tcp_ack = 0;
	p->tcp_win = 0;
	p->icmp_type = p->icmp_code = 0;
	p->payload = NULL;
	p->payload_caplen = p->payload_len = 0;
	d->vlan_depth = 0;
	d->mpls_depth = 0;
	/* Layer bits describe the innermost frame plus the mirror layers. */
	p->layers &= LAYER_GRE | LAYER_ERSPAN | LAYER_VXLAN | LAYER_GENEVE | LAYER_TZSP;
}

enum dl dec_tunnel_enter(struct decoder *d, struct packet *p,
			 const struct cursor *c, enum transport t, enum dl next)
{
	struct mirror_ctx *m = &p->mirror;
	if (m->depth >= DECODE_MAX_DEPTH) {
		dec_event(d, p, EV_DEC_DEPTH_EXCEEDED);
		return DL_DONE;
	}
	if (m->depth == 0) {
		/* Outermost mirror: the IP/UDP header that carried it. A
		 * configured RSPAN VLAN outside the tunnel does not win. */
		m->transport = t;
		m->outer_src = p->src;
		m->outer_dst = p->dst;
		if (t == TRANSPORT_VXLAN || t == TRANSPORT_GENEVE ||
		    t == TRANSPORT_TZSP || (p->layers & LAYER_UDP)) {
			m->outer_sport = p->sport;
			m->outer_dport = p->dport;
		}
	}
	m->depth++;
	reset_inner(d, p);
	dec_frame_here(p, c, next);
	return next;
}

void dec_frame_here(struct packet *p, const struct cursor *c, enum dl next)
{
	p->frame = cursor_ptr(c);
	p->frame_caplen = (uint32_t)cursor_left(c);
	p->frame_wirelen = p->frame_caplen;
	if (c->len == p->caplen && p->wirelen > p->caplen)
		p->frame_wirelen += p->wirelen - p->caplen;
	p->frame_is_eth = (next == DL_ETH);
	if (next == DL_IPV4)
		p->ethertype = 0x0800;
	else if (next == DL_IPV6)
		p->ethertype = 0x86DD;
	else if (next == DL_MPLS)
		p->ethertype = 0x8847;
}

static enum dl start_layer(struct decoder *d, struct packet *p)
{
	switch (p->linktype) {
	case 1:   /* DLT_EN10MB */
		return DL_ETH;
	case 113: /* DLT_LINUX_SLL */
		return DL_SLL;
	case 276: /* DLT_LINUX_SLL2 */
		return DL_SLL2;
	case 0:   /* DLT_NULL */
		return DL_NULL;
	case 108: /* DLT_LOOP */
		return DL_LOOP;
	case 12:  /* DLT_RAW (most platforms) */
	case 14:  /* DLT_RAW (OpenBSD) */
	case 101: /* LINKTYPE_RAW */
	case 228: /* LINKTYPE_IPV4 */
	case 229: /* LINKTYPE_IPV6 */
		return DL_RAWIP;
	default:
		dec_event(d, p, EV_DEC_LINKTYPE_UNSUPPORTED);
		return DL_DONE;
	}
}

/* Clear everything the decoders fill, keep the capture's raw part. */
static void reset_packet(struct packet *p)
{
	const uint8_t *data = p->data;
	uint32_t caplen = p->caplen, wirelen = p->wirelen;
	uint64_t ts = p->ts_ns;
	uint16_t source = p->source;
	int linktype = p->linktype;
	/* The size is hidden from the compiler so that memset is the
	 * library's vector version, not an inlined (slower) rep stos. */
	size_t n = sizeof(*p);
	__asm__("" : "+r"(n));
	memset(p, 0, n);
	p->data = data;
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;
	p->ts_ns = ts;
	p->source = source;
	p->linktype = linktype;
	p->frame = data;
	p->frame_caplen = caplen;
	p->frame_wirelen = p->wirelen;
}

static enum dl run(struct decoder *d, struct packet *p)
{
	struct cursor c = cursor_make(p->data, p->caplen);
	enum dl next = start_layer(d, p);
	p->frame_is_eth = (next == DL_ETH);
	unsigned steps = 0;
	d->vlan_depth = 0;
	d->mpls_depth = 0;
	while (next > DL_REBUILT) {
		if (steps++ >= DECODE_MAX_LAYERS) {
			dec_event(d, p, EV_DEC_TOO_MANY_LAYERS);
			return DL_DONE;
		}
		next = dec_table[next](d, p, &c);
	}
	return next;
}

bool decode_packet(struct decoder *d, struct packet *pkt)
{
	d->st.packets++;
	d->in_rebuilt = false;
	reset_packet(pkt);
	enum dl r = run(d, pkt);
	if (r == DL_HELD) {
		d->st.frag_inflight = dec_frag_inflight(d->frag);
		return false;
	}
	if (r == DL_REBUILT) {
		/* A whole tunnel datagram now sits in d->rebuilt. */
		uint16_t kept[PACKET_MAX_EVENTS];
		uint8_t nkept = pkt->nevents;
		memcpy(kept, pkt->events, sizeof(kept));
		pkt->data = d->rebuilt;
		pkt->caplen = pkt->wirelen = d->rebuilt_len;
		reset_packet(pkt);
		for (uint8_t i = 0; i < nkept && i < PACKET_MAX_EVENTS; i++) {
			if (pkt->nevents == 0)
				pkt->first_event = kept[i];
			pkt->events[pkt->nevents++] = kept[i];
		}
		d->in_rebuilt = true;
		pkt->mirror.outer_fragmented = true;
		r = run(d, pkt);
		pkt->mirror.outer_fragmented = true;
		d->in_rebuilt = false;
		if (r == DL_HELD || r == DL_REBUILT)
			return false; /* cannot happen: rebuilt is whole */
	}
	if (d->frag && d->st.frag_seen) /* gauge, once fragments were seen */
		d->st.frag_inflight = dec_frag_inflight(d->frag);
	d->st.decoded++;
	if (pkt->truncated)
		d->st.truncated++;
	if (pkt->mirror.depth > 1)
		d->st.nested++;
	if ((unsigned)pkt->mirror.transport < TRANSPORT__COUNT)
		d->st.by_transport[pkt->mirror.transport]++;
	return true;
}
