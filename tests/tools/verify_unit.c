/*
 * verify_unit.c - unit cases of the health accumulator and the verify
 * checks, fed with packets built here (no capture, no pipeline; TCP packets
 * pass a flow table first, whose reports the accumulator sums): TCP
 * ACKed-unseen accounting (holes, retransmissions, reordering, sequence
 * wrap, capture starting mid-stream), direction judgement (one way with
 * ACK evidence, unanswered SYNs), GRE sequence gaps (wrap, late, restart),
 * deployment figures, plot bins, the expectations parser and exit status.
 * Run by tests/verify/unit.t; prints PASS/FAIL lines (group verify/unit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow/flow.h"
#include "health/expect.h"
#include "health/health.h"
#include "health/report.h"

static int fails;

static void ok(const char *name, int cond, const char *fmt, unsigned long long a,
	       unsigned long long b)
{
	if (cond) {
		printf("PASS verify/unit/%s\n", name);
	} else {
		printf("FAIL verify/unit/%s: ", name);
		printf(fmt, a, b);
		printf("\n");
		fails++;
	}
}

static void eq(const char *name, unsigned long long want, unsigned long long got)
{
	ok(name, want == got, "want %llu, got %llu", want, got);
}

/* Arguments are evaluated once. */
#define EQ(name, want, got) eq(name, (unsigned long long)(want), (unsigned long long)(got))

static uint64_t now = 1700000000000000000ull;
static struct flow_table *flows; /* the flow stage of the current case */

/* A TCP packet between 203.0.113.(10+cl) port 40000+cl and 198.51.100.10:80. */
static void tcp(struct health *h, int cl, int c2s, uint8_t flags, uint32_t seq, uint32_t ack,
		uint32_t len)
{
	struct packet p;
	memset(&p, 0, sizeof p);
	p.ts_ns = (now += 100000);
	p.caplen = p.wirelen = 60 + len;
	p.frame_is_eth = true;
	p.frame_caplen = p.frame_wirelen = p.caplen;
	p.eth_dst[0] = 0x02;
	p.eth_dst[5] = (uint8_t)(c2s ? 0x20 : 0x10 + cl);
	p.eth_src[0] = 0x02;
	p.eth_src[5] = (uint8_t)(c2s ? 0x10 + cl : 0x20);
	p.layers = LAYER_ETH | LAYER_IPV4 | LAYER_TCP;
	p.ip_proto = 6;
	uint8_t a[4] = { 203, 0, 113, (uint8_t)(10 + cl) }, b[4] = { 198, 51, 100, 10 };
	p.src.family = p.dst.family = 4;
	memcpy(p.src.a, c2s ? a : b, 4);
	memcpy(p.dst.a, c2s ? b : a, 4);
	p.sport = c2s ? (uint16_t)(40000 + cl) : 80;
	p.dport = c2s ? 80 : (uint16_t)(40000 + cl);
	p.tcp_flags = flags;
	p.tcp_seq = seq;
	p.tcp_ack = ack;
	p.payload_len = len;
	int dir;
	flow_update(flows, &p, &dir);
	health_packet(h, &p, NULL);
}

enum { SYN = 0x02, ACK = 0x10, PSH = 0x08, FIN = 0x01, SYNACK = 0x12 };

static struct health *fresh(void)
{
	struct health_config cfg;
	health_config_default(&cfg);
	struct health *h = health_new(&cfg);
	struct flow_config fc;
	flow_config_default(&fc);
	fc.max_flows = 64;
	flows = flow_table_new(&fc);
	if (!h || !flows) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	flow_table_set_on_tcp_bytes(flows, health_on_tcp_bytes, h);
	return h;
}

/* End of input: the flows end (their last holes are judged), then health. */
static void finish(struct health *h)
{
	flow_flush(flows, NULL, NULL);
	health_finish(h);
}

static void done(struct health *h)
{
	health_free(h);
	flow_table_free(flows);
	flows = NULL;
}

static void tcp_cases(void)
{
	/* A hole acknowledged: exactly its bytes are unseen. */
	struct health *h = fresh();
	tcp(h, 0, 1, SYN, 1000, 0, 0);
	tcp(h, 0, 0, SYNACK, 5000, 1001, 0);
	tcp(h, 0, 1, ACK | PSH, 1001, 5001, 10);
	tcp(h, 0, 0, ACK | PSH, 5001, 1011, 1000);
	/* 6001..7001 never seen */
	tcp(h, 0, 0, ACK | PSH, 7001, 1011, 1000);
	tcp(h, 0, 1, ACK, 1011, 8001, 0);
	finish(h);
	EQ("hole-acked-unseen", 1000, h->tcp_unseen);
	EQ("hole-acked-total", 3000 + 10, h->tcp_acked); /* SYN numbers are not data */
	EQ("hole-subnet-sender", 1000, h->subnets[1].tcp_unseen);
	EQ("hole-both-ways", 1, h->dirs.both);
	done(h);

	/* The same hole filled by a retransmission before the ACK: nothing unseen. */
	h = fresh();
	tcp(h, 0, 1, SYN, 1000, 0, 0);
	tcp(h, 0, 0, SYNACK, 5000, 1001, 0);
	tcp(h, 0, 0, ACK | PSH, 5001, 1001, 1000);
	tcp(h, 0, 0, ACK | PSH, 7001, 1001, 1000);
	tcp(h, 0, 0, ACK | PSH, 6001, 1001, 1000); /* late / retransmitted */
	tcp(h, 0, 1, ACK, 1001, 8001, 0);
	finish(h);
	EQ("hole-filled-no-unseen", 0, h->tcp_unseen);
	EQ("hole-filled-acked", 3000, h->tcp_acked); /* data only: SYN numbers are not bytes */
	done(h);

	/* The ACK arrives before the data it acknowledges (two mirror paths with
	 * different delays): within the 50 ms reorder allowance, not loss. */
	h = fresh();
	tcp(h, 0, 1, SYN, 1000, 0, 0);
	tcp(h, 0, 0, SYNACK, 5000, 1001, 0);
	tcp(h, 0, 0, ACK | PSH, 5001, 1001, 1000);
	tcp(h, 0, 1, ACK, 1001, 7001, 0);          /* ACK for 6001..7001 first */
	tcp(h, 0, 0, ACK | PSH, 6001, 1001, 1000); /* then the data, 0.1 ms later */
	finish(h);
	EQ("ack-before-data-no-unseen", 0, h->tcp_unseen);
	done(h);

	/* The same, but the data never comes within the allowance: unseen. */
	h = fresh();
	tcp(h, 0, 1, SYN, 1000, 0, 0);
	tcp(h, 0, 0, SYNACK, 5000, 1001, 0);
	tcp(h, 0, 0, ACK | PSH, 5001, 1001, 1000);
	tcp(h, 0, 1, ACK, 1001, 7001, 0);
	now += 200000000ull;                        /* 200 ms later */
	tcp(h, 0, 0, ACK | PSH, 7001, 1001, 1000);
	EQ("ack-unfilled-judged-after-allowance", 1000, h->tcp_unseen);
	tcp(h, 0, 0, ACK | PSH, 6001, 1001, 1000); /* too late to change it */
	finish(h);
	EQ("ack-unfilled-stays-unseen", 1000, h->tcp_unseen);
	done(h);

	/* Sequence numbers wrapping through 2^32. */
	h = fresh();
	tcp(h, 0, 0, ACK | PSH, 0xfffffc00u, 1, 1024);  /* ends at 0 */
	tcp(h, 0, 0, ACK | PSH, 1024, 1, 1024);         /* 0..1024 missing */
	tcp(h, 0, 1, ACK, 1, 2048, 0);
	finish(h);
	EQ("wrap-unseen", 1024, h->tcp_unseen);
	EQ("wrap-acked", 3072, h->tcp_acked);
	done(h);

	/* Capture starting mid-stream: ACKs for data before it are not loss. */
	h = fresh();
	tcp(h, 0, 1, ACK, 1000, 900000, 0);      /* acks data sent before the capture */
	tcp(h, 0, 0, ACK | PSH, 900000, 1000, 500);
	tcp(h, 0, 1, ACK, 1000, 900500, 0);
	finish(h);
	EQ("midstream-no-unseen", 0, h->tcp_unseen);
	EQ("midstream-acked", 500, h->tcp_acked);
	done(h);

	/* One way with ACK evidence: judged, replies missing, named. */
	h = fresh();
	for (int cl = 0; cl < 3; cl++) {
		tcp(h, cl, 1, SYN, 100, 0, 0);
		tcp(h, cl, 1, ACK, 101, 7001, 0);
		tcp(h, cl, 1, ACK | PSH, 101, 7001, 20);
	}
	/* Unanswered SYNs (a dead host): not judged. */
	tcp(h, 5, 1, SYN, 100, 0, 0);
	tcp(h, 5, 1, SYN, 100, 0, 0);
	finish(h);
	EQ("oneway-judged", 3, h->dirs.conns);
	EQ("oneway-replies-missing", 3, h->dirs.only_c2s);
	EQ("oneway-no-loss-claimed", 0, h->tcp_unseen);
	EQ("oneway-missing-pair", 3, h->nmissing ? h->missing[0].conns : 0);
	uint64_t server_from = 0, clients_to = 0;
	for (unsigned i = 0; i < h->noneway; i++) {
		if (h->oneway[i].addr.a[0] == 198)
			server_from = h->oneway[i].from_missing;
		else
			clients_to += h->oneway[i].to_missing;
	}
	EQ("oneway-server-traffic-missing", 3, server_from);
	EQ("oneway-clients-seen", 3, clients_to);
	done(h);
}

static void seq_cases(void)
{
	struct health *h = fresh();
	struct packet p;
	uint32_t seqs[] = { 0xfffffffeu, 0xffffffffu, 0, 3, 2, 4, 4, 9, 100000000u, 100000001u };
	for (unsigned i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		memset(&p, 0, sizeof p);
		p.ts_ns = (now += 1000);
		p.caplen = p.wirelen = 100;
		p.mirror.transport = TRANSPORT_ERSPAN2;
		p.mirror.session = 7;
		p.mirror.has_session = true;
		p.mirror.outer_src.family = 4;
		p.mirror.has_gre_seq = true;
		p.mirror.gre_seq = seqs[i];
		health_packet(h, &p, NULL);
	}
	finish(h);
	EQ("seq-one-session", 1, h->nsess);
	/* 0 -> 3 skips 1,2 (2 lost); 2 arrives late (1 lost left); 4, 4 repeat;
	 * 4 -> 9 skips 4 (5 lost); the jump to 1e8 is a restart. */
	EQ("seq-lost", 5, h->sess[0].seq_lost);
	EQ("seq-late", 1, h->sess[0].seq_late);
	EQ("seq-repeat", 1, h->sess[0].seq_repeat);
	EQ("seq-restart", 1, h->sess[0].seq_restarts);
	done(h);
}

static void deployment_cases(void)
{
	struct health *h = fresh();
	tcp(h, 0, 1, SYN, 1, 0, 0);
	tcp(h, 1, 1, SYN, 1, 0, 0);
	tcp(h, 2, 1, SYN, 1, 0, 0);
	struct packet p;
	memset(&p, 0, sizeof p);
	p.ts_ns = (now += 1000);
	p.caplen = p.wirelen = 60;
	p.frame_is_eth = true;
	memset(p.eth_dst, 0xff, 6);
	p.eth_src[0] = 2;
	p.layers = LAYER_ETH | LAYER_IPV4 | LAYER_UDP;
	p.src.family = p.dst.family = 4;
	uint8_t s[4] = { 203, 0, 113, 50 }, d[4] = { 255, 255, 255, 255 };
	memcpy(p.src.a, s, 4);
	memcpy(p.dst.a, d, 4);
	p.sport = 68;
	p.dport = 67;
	health_packet(h, &p, NULL);
	finish(h);
	EQ("subnets", 2, h->nsubnets);
	EQ("hosts-203", 4, health_subnet_hosts(&h->subnets[0]));
	EQ("hosts-198", 1, health_subnet_hosts(&h->subnets[1]));
	EQ("broadcast-203", 1, h->subnets[0].broadcast);
	EQ("broadcast-198", 0, h->subnets[1].broadcast);
	EQ("dhcp-seen", 1, (h->protos >> health_proto_lookup("dhcp")) & 1);
	EQ("http-seen", 1, (h->subnets[1].protos >> health_proto_lookup("http")) & 1);
	EQ("l2-broadcast", 1, h->l2.broadcast);
	done(h);

	/* Plot bins widen by doubling and keep every packet. */
	h = fresh();
	uint64_t t0 = now;
	for (int i = 0; i < 5000; i++) {
		now = t0 + (uint64_t)i * 7000000ull; /* 35 s in steps of 7 ms */
		tcp(h, i % 3, 1, ACK, 1, 1, 0);
	}
	uint64_t sum = 0;
	for (unsigned b = 0; b < HEALTH_BINS; b++)
		sum += h->in[0].bins_pkts[b];
	EQ("bins-keep-all", 5000, sum);
	ok("bins-bounded", h->nbins <= HEALTH_BINS, "nbins %llu > %llu", h->nbins, HEALTH_BINS);
	done(h);
}

static void expect_cases(void)
{
	struct expect e;
	char err[256];
	EQ("expect-parse", 0, expect_parse("# c\nvlan 10, 20\nsubnet 203.0.113.0/25\nprotocol modbus\n",
					   "t", &e, err, sizeof err));
	EQ("expect-items", 4, e.n);
	EQ("expect-vlan", 20, (unsigned)e.items[1].num);
	EQ("expect-plen", 25, e.items[2].plen);
	EQ("expect-unknown", (unsigned long long)-1, (unsigned long long)expect_parse("vlans 1\n", "t", &e, err, sizeof err));
	ok("expect-unknown-line", strstr(err, "t:1:") != NULL, "%llu%llu", 0, 0);
	EQ("expect-bad-vlan", (unsigned long long)-1, (unsigned long long)expect_parse("vlan 5000\n", "t", &e, err, sizeof err));
	EQ("expect-bad-proto", (unsigned long long)-1, (unsigned long long)expect_parse("protocol nope\n", "t", &e, err, sizeof err));
	EQ("expect-no-value", (unsigned long long)-1, (unsigned long long)expect_parse("min-devices\n", "t", &e, err, sizeof err));
}

static void report_cases(void)
{
	struct health *h = fresh();
	struct health_report_input ri = { .h = h, .dedup_enabled = true };
	struct health_report r;
	health_set_input(h, 0, "eth9", true, 1000, 0);
	finish(h);
	EQ("report-build", 0, health_report_build(&ri, &r));
	EQ("report-no-traffic-fails", 2, health_report_exit(&r));
	EQ("report-first-check", VERDICT_FAIL, r.scopes[0].checks[0].v);
	ok("report-no-traffic-words", strstr(r.scopes[0].checks[0].figures, "no traffic monitored") != NULL,
	   "%llu%llu", 0, 0);
	health_report_free(&r);
	done(h);
}

int main(void)
{
	tcp_cases();
	seq_cases();
	deployment_cases();
	expect_cases();
	report_cases();
	return fails ? 1 : 0;
}
