/*
 * decodedump.c - print decode_describe() for every packet of a capture.
 *
 *   decodedump FILE [--vxlan-port N] [--geneve-port N] [--tzsp-port N]
 *              [--rspan-vlan V] [--no-reassembly] [--stats] [--tsv] [--summary]
 *              [--frame]
 *
 * Port options add to the defaults (4789, 6081, 37008). One line per packet
 * handed on by the decoder: "N: description" (N = packet number in the
 * file, from 1); fragments held for reassembly print "N: held". --stats
 * appends the decoder counters and the non-zero event counters; --tsv
 * prints tab-separated fields instead (see print_tsv); --summary prints
 * only what --stats adds; --frame appends where the original frame lies.
 * Used by the golden tests (tests/golden) and the tshark cross-check.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"

static int usage(void)
{
	fprintf(stderr, "usage: decodedump FILE [--vxlan-port N] [--geneve-port N] "
		"[--tzsp-port N] [--rspan-vlan V] [--no-reassembly] [--stats] [--tsv] [--summary] "
		"[--frame]\n");
	return 64;
}

static void addr(char *s, size_t n, const struct ip_addr *a)
{
	s[0] = 0;
	if (a->family == 4)
		inet_ntop(AF_INET, a->a, s, (socklen_t)n);
	else if (a->family == 6)
		inet_ntop(AF_INET6, a->a, s, (socklen_t)n);
}

/*
 * --tsv: fields for the tshark cross-check, tab separated, empty when not
 * set: number, layer chain, session, GRE seq, ERSPAN VLAN, COS, T, index,
 * hwid, dir (0 in / 1 out), inner src, dst, sport, dport, ip_proto, and
 * for ERSPAN III: timestamp field (low 32 bits), gra, ft, sgt, port index;
 * then the inner VLAN IDs, comma separated; TCP flags, seq, ack, window.
 */
static void print_tsv(unsigned long n, const struct packet *p)
{
	const struct mirror_ctx *m = &p->mirror;
	char src[64], dst[64];
	bool erspan = m->transport == TRANSPORT_ERSPAN2 || m->transport == TRANSPORT_ERSPAN3 ||
		      m->has_hw_ts || m->port_index;
	printf("%lu\t", n);
	for (unsigned i = 0; i < p->nlayer_names; i++)
		printf("%s%s", i ? "/" : "", p->layer_names[i]);
	printf("\t");
	if (m->has_session)
		printf("%" PRIu32, m->session);
	printf("\t");
	if (m->has_gre_seq)
		printf("%" PRIu32, m->gre_seq);
	printf("\t");
	if (erspan)
		printf("%u\t%u\t%d\t", m->erspan_vlan, m->cos, m->truncated ? 1 : 0);
	else
		printf("\t\t\t");
	if (m->transport == TRANSPORT_ERSPAN2)
		printf("%" PRIu32, m->port_index);
	printf("\t");
	if (m->has_hw_ts)
		printf("%u\t%d", m->hwid, m->dir == MIRROR_DIR_EGRESS ? 1 : 0);
	else
		printf("\t");
	addr(src, sizeof(src), &p->src);
	addr(dst, sizeof(dst), &p->dst);
	printf("\t%s\t%s\t", src, dst);
	if ((p->layers & (LAYER_TCP | LAYER_UDP)) && !(p->layers & LAYER_FRAGMENT))
		printf("%u\t%u", p->sport, p->dport);
	else
		printf("\t");
	printf("\t%u\t", p->src.family ? p->ip_proto : 0);
	if (m->has_hw_ts)
		printf("%" PRIu32 "\t%u\t%u\t%u\t%" PRIu32 "\t", (uint32_t)m->hw_ts, m->gra, m->ft,
		       m->sgt, m->port_index);
	else
		printf("\t\t\t\t\t");
	for (unsigned i = 0; i < p->nvlans && i < PACKET_MAX_VLANS; i++)
		printf("%s%u", i ? "," : "", p->vlans[i]);
	printf("\t");
	if ((p->layers & LAYER_TCP) && p->ip_proto == 6)
		printf("%u\t%" PRIu32 "\t%" PRIu32 "\t%u", p->tcp_flags, p->tcp_seq, p->tcp_ack,
		       p->tcp_win);
	else
		printf("\t\t\t");
	printf("\n");
}

/*
 * --frame: where the original frame and its network header are, as later
 * stages read them, and whether they stay inside the bytes they refer to
 * (the capture, or the reassembly buffer for rebuilt packets: "rebuilt").
 */
static void print_frame(const struct packet *p, const u_char *cap, uint32_t caplen)
{
	const uint8_t *base = p->mirror.outer_fragmented ? p->data : cap;
	uint32_t len = p->mirror.outer_fragmented ? p->caplen : caplen;
	bool inside = p->frame >= base && p->frame_caplen <= len &&
		      (uint32_t)(p->frame - base) <= len - p->frame_caplen;
	printf(" | frame=%s+%ld %u/%u et=0x%04x", p->frame_is_eth ? "eth" : "net",
	       (long)(p->frame - base), p->frame_caplen, p->frame_wirelen, p->ethertype);
	if (p->src.family)
		printf(" l3=%u/%u", p->l3_off, p->l3_len);
	if (p->mirror.outer_fragmented)
		printf(" rebuilt");
	if (!inside || p->frame_caplen > p->frame_wirelen ||
	    (p->src.family && p->l3_off >= p->frame_caplen))
		printf(" BAD");
}

static int add_u16(uint16_t *arr, unsigned *n, unsigned max, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || v > 65535 || *n >= max)
		return -1;
	arr[(*n)++] = (uint16_t)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct decode_config cfg;
	const char *file = NULL;
	bool stats = false, tsv = false, summary = false, frame = false;
	decode_config_default(&cfg);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;
		if (!strcmp(a, "--vxlan-port") && i + 1 < argc)
			rc = add_u16(cfg.vxlan_ports, &cfg.nvxlan_ports, DECODE_MAX_PORTS, argv[++i]);
		else if (!strcmp(a, "--geneve-port") && i + 1 < argc)
			rc = add_u16(cfg.geneve_ports, &cfg.ngeneve_ports, DECODE_MAX_PORTS, argv[++i]);
		else if (!strcmp(a, "--tzsp-port") && i + 1 < argc)
			rc = add_u16(cfg.tzsp_ports, &cfg.ntzsp_ports, DECODE_MAX_PORTS, argv[++i]);
		else if (!strcmp(a, "--rspan-vlan") && i + 1 < argc)
			rc = add_u16(cfg.rspan_vlans, &cfg.nrspan_vlans, DECODE_MAX_RSPAN, argv[++i]);
		else if (!strcmp(a, "--no-reassembly"))
			cfg.reassemble_outer = false;
		else if (!strcmp(a, "--stats"))
			stats = true;
		else if (!strcmp(a, "--tsv"))
			tsv = true;
		else if (!strcmp(a, "--summary"))
			summary = stats = true;
		else if (!strcmp(a, "--frame"))
			frame = true;
		else if (a[0] != '-' && !file)
			file = a;
		else
			return usage();
		if (rc)
			return usage();
	}
	if (!file)
		return usage();
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, err);
	if (!pc) {
		fprintf(stderr, "decodedump: %s\n", err);
		return 66;
	}
	static struct event_counts ev;
	struct decoder *d = decoder_new(&cfg, &ev);
	if (!d) {
		pcap_close(pc);
		return 70;
	}
	struct pcap_pkthdr *h;
	const u_char *bytes;
	unsigned long n = 0;
	int linktype = pcap_datalink(pc);
	char line[1024];
	while (pcap_next_ex(pc, &h, &bytes) == 1) {
		struct packet p;
		memset(&p, 0, sizeof(p));
		p.data = bytes;
		p.caplen = h->caplen;
		p.wirelen = h->len;
		p.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
		p.linktype = linktype;
		n++;
		bool handed_on = decode_packet(d, &p);
		if (summary)
			continue;
		if (!handed_on) {
			printf(tsv ? "%lu\theld\n" : "%lu: held\n", n);
			continue;
		}
		if (tsv) {
			print_tsv(n, &p);
			continue;
		}
		decode_describe(&p, line, sizeof(line));
		printf("%lu: %s", n, line);
		if (frame)
			print_frame(&p, bytes, h->caplen);
		printf("\n");
	}
	if (stats) {
		const struct decode_stats *s = decoder_stats(d);
		printf("stats: packets=%" PRIu64 " decoded=%" PRIu64 " truncated=%" PRIu64
		       " nested=%" PRIu64 " frag_seen=%" PRIu64 " frag_held=%" PRIu64
		       " frag_rebuilt=%" PRIu64 " frag_expired=%" PRIu64
		       " frag_table_full=%" PRIu64 " frag_overlap=%" PRIu64 " frag_duplicates=%" PRIu64
		       " frag_too_big=%" PRIu64 " frag_not_tunnel=%" PRIu64
		       " frag_inflight=%" PRIu64 "\n",
		       s->packets, s->decoded, s->truncated, s->nested, s->frag_seen,
		       s->frag_held, s->frag_rebuilt, s->frag_expired, s->frag_table_full,
		       s->frag_overlap, s->frag_duplicates, s->frag_too_big, s->frag_not_tunnel, s->frag_inflight);
		for (unsigned t = 0; t < TRANSPORT__COUNT; t++)
			if (s->by_transport[t])
				printf("transport %s: %" PRIu64 "\n", transport_name((enum transport)t),
				       s->by_transport[t]);
		for (unsigned i = 0; i < EV__COUNT; i++)
			if (ev.n[i])
				printf("event %s: %" PRIu64 "\n", event_name((enum event_id)i), ev.n[i]);
	}
	decoder_free(d);
	pcap_close(pc);
	return 0;
}
