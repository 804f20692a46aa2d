/*
 * fuzz_decode.c - libFuzzer target over the decoder stack and the pipeline.
 *
 * Input layout (tests/fuzz/README.md):
 *   byte 0      link type selector: below 64 Ethernet; 64-127 Ethernet with
 *               the clean frames written (-w) to /dev/null; 128-191 Ethernet
 *               with the verify stage attached (health accumulator as a
 *               pipeline observer, then the report, the verify JSON and the
 *               read summary JSON written to /dev/null); 192 and up: the
 *               link type linktypes[byte & 7]
 *   byte 1      options: bit 0 RSPAN VLAN 100 stripped, bit 1 VXLAN also on
 *               8472 and Geneve on 6082, bit 2 dedup off, bit 3 captured
 *               length shorter than the wire length (snap length cut),
 *               bit 4 outer reassembly on, bits 5-7 time step between
 *               packets (0, 1 us, 1 ms, 100 ms, 2 s, 40 s, 10 min, backwards)
 *   bytes 2..   up to FUZZ_MAX_PACKETS packets separated by "MSPK"
 *
 * Each packet is copied into a heap buffer of exactly its size, so that an
 * over-read by one byte is an AddressSanitizer report, then decoded once by
 * a bare decoder (and the decoded fields checked against the bytes given),
 * then handed to a fresh pipeline (decode, sessions, admission, dedup,
 * flows), which is finished and freed at the end of the input. Several
 * packets per input let the fuzzer reach state: fragments, dedup windows,
 * flow expiry, sequence gaps. Built by tests/fuzz/build.sh.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "health/health.h"
#include "health/report.h"
#include "output/pcap_out.h"
#include "output/summary.h"
#include "output/verify.h"
#include "pipeline/pipeline.h"

#define FUZZ_MAX_PACKETS 16
#define FUZZ_SEP "MSPK"

static const int linktypes[8] = {
	1,   /* DLT_EN10MB */
	101, /* LINKTYPE_RAW */
	0,   /* DLT_NULL */
	113, /* DLT_LINUX_SLL */
	276, /* DLT_LINUX_SLL2 */
	108, /* DLT_LOOP */
	229, /* LINKTYPE_IPV6 */
	147, /* DLT_USER0: unsupported */
};

static const uint64_t steps_ns[8] = {
	0, 1000, 1000000, 100000000, 2000000000ull, 40000000000ull, 600000000000ull, 0,
};

/* Abort (a crash for libFuzzer) when a decoded field escapes its bytes. */
static void check_range(const uint8_t *base, size_t len, const uint8_t *p, size_t n,
			const char *what)
{
	if (!p) {
		if (n) {
			fprintf(stderr, "fuzz_decode: %s: NULL with length %zu\n", what, n);
			abort();
		}
		return;
	}
	if (p < base || p > base + len || n > (size_t)(base + len - p)) {
		fprintf(stderr, "fuzz_decode: %s outside the captured bytes\n", what);
		abort();
	}
}

static void check_packet(const struct packet *p, const uint8_t *buf, size_t len)
{
	if (p->nvlans > PACKET_MAX_VLANS || p->nlayer_names > PACKET_MAX_LAYERS) {
		fprintf(stderr, "fuzz_decode: nvlans %u / nlayer_names %u beyond bounds\n",
			p->nvlans, p->nlayer_names);
		abort();
	}
	if (p->mirror.outer_fragmented)
		return; /* frame and payload point into the reassembly buffer */
	check_range(buf, len, p->frame, p->frame_caplen, "frame");
	if (p->payload || p->payload_caplen)
		check_range(buf, len, p->payload, p->payload_caplen, "payload");
	if (p->payload && p->payload_caplen > p->payload_len) {
		fprintf(stderr, "fuzz_decode: payload caplen %u > length %u per the headers\n",
			p->payload_caplen, p->payload_len);
		abort();
	}
	if ((p->layers & (LAYER_IPV4 | LAYER_IPV6)) && p->l3_off >= p->frame_caplen) {
		fprintf(stderr, "fuzz_decode: l3_off %u beyond the frame (%u)\n", p->l3_off,
			p->frame_caplen);
		abort();
	}
	if (p->frame_caplen > p->frame_wirelen) {
		fprintf(stderr, "fuzz_decode: frame caplen %u > wirelen %u\n",
			p->frame_caplen, p->frame_wirelen);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t sel = data[0], opt = data[1];
	int linktype = sel < 192 ? 1 : linktypes[sel & 7];
	data += 2;
	size -= 2;

	struct pipeline_config cfg;
	pipeline_config_default(&cfg);
	if (opt & 1) {
		cfg.decode.rspan_vlans[0] = 100;
		cfg.decode.nrspan_vlans = 1;
	}
	if (opt & 2) {
		cfg.decode.vxlan_ports[cfg.decode.nvxlan_ports++] = 8472;
		cfg.decode.geneve_ports[cfg.decode.ngeneve_ports++] = 6082;
	}
	if (opt & 4)
		cfg.dedup.enabled = false;
	/* The reassembly pool (16 MiB) costs more to set up under ASan than
	 * the rest of the input: on only when asked for, and never in the
	 * bare decoder, which only checks the fields of single packets. */
	cfg.decode.reassemble_outer = (opt & 16) != 0;
	/* small tables: cheap to create per input, easy to fill */
	cfg.flow.max_flows = 64;
	cfg.dedup.table_bits = 6;
	cfg.max_sessions = 8;

	char err[256];
	struct pipeline *pl = pipeline_new(&cfg, err, sizeof(err));
	if (!pl) {
		fprintf(stderr, "fuzz_decode: %s\n", err);
		abort();
	}
	struct event_counts ev;
	memset(&ev, 0, sizeof(ev));
	/* The verify stage: heavy to set up (MiBs of tables), so a quarter of
	 * the inputs only. */
	struct health *h = NULL;
	if (sel >= 128 && sel < 192) {
		struct health_config hc;
		health_config_default(&hc);
		h = health_new(&hc);
		if (!h)
			abort();
		struct pipeline_observer ob = {
			.on_packet = health_on_packet,
			.on_finish = health_on_finish,
			.on_tcp_bytes = health_on_tcp_bytes,
			.ctx = h,
		};
		pipeline_add_observer(pl, &ob);
	}
	/* -w: the clean frames of hostile input written out */
	struct pcap_out *w = NULL;
	if (sel >= 64 && sel < 128) {
		w = pcap_out_open("/dev/null", err, sizeof(err));
		if (!w) {
			fprintf(stderr, "fuzz_decode: %s\n", err);
			abort();
		}
		pipeline_set_writer(pl, w);
	}
	struct decode_config bare_cfg = cfg.decode;
	bare_cfg.reassemble_outer = false;
	struct decoder *bare = decoder_new(&bare_cfg, &ev);
	if (!bare)
		abort();

	uint64_t ts = 1767225600ull * 1000000000ull;
	unsigned step = (opt >> 5) & 7;
	size_t pos = 0;
	for (unsigned n = 0; n < FUZZ_MAX_PACKETS && pos <= size; n++) {
		const uint8_t *end = NULL;
		if (size - pos >= 4)
			end = memmem(data + pos, size - pos, FUZZ_SEP, 4);
		size_t len = end ? (size_t)(end - (data + pos)) : size - pos;
		uint8_t *buf = malloc(len ? len : 1);
		if (!buf)
			abort();
		if (len)
			memcpy(buf, data + pos, len);

		struct packet pkt;
		memset(&pkt, 0, sizeof(pkt));
		pkt.data = buf;
		pkt.caplen = (uint32_t)len;
		pkt.wirelen = (uint32_t)len + ((opt & 8) ? 1 + (uint32_t)(len & 0x3ff) : 0);
		pkt.ts_ns = ts;
		pkt.linktype = linktype;
		struct packet copy = pkt;
		if (decode_packet(bare, &copy))
			check_packet(&copy, buf, len);
		pipeline_packet(pl, &pkt);
		free(buf);

		if (step == 7)
			ts -= (n & 1) ? 3000000000ull : 1000; /* time going backwards */
		else
			ts += steps_ns[step];
		if (!end)
			break;
		pos += len + 4;
	}
	pipeline_finish(pl);
	(void)pipeline_stats(pl);
	if (w) {
		pipeline_set_writer(pl, NULL);
		if (pcap_out_close(w, err, sizeof(err)) != 0) {
			fprintf(stderr, "fuzz_decode: -w /dev/null: %s\n", err);
			abort();
		}
	}
	if (h) {
		static FILE *devnull;
		if (!devnull)
			devnull = fopen("/dev/null", "w");
		health_set_input(h, 0, "fuzz", false, 0, 0);
		health_finish(h);
		struct health_report_input ri = { .h = h, .dedup_enabled = cfg.dedup.enabled };
		struct health_report rep;
		if (health_report_build(&ri, &rep) == 0) {
			struct verify_meta meta = { .version = "fuzz" };
			if (devnull)
				verify_json(devnull, &rep, &meta);
			(void)health_report_exit(&rep);
			health_report_free(&rep);
		}
		struct source src;
		memset(&src, 0, sizeof(src));
		src.ninputs = 1;
		snprintf(src.in[0].name, sizeof(src.in[0].name), "fuzz");
		src.in[0].linktype = linktype;
		struct summary_ctx sc = { .command = "read", .pl = pl, .src = &src, .top = 8 };
		if (devnull)
			summary_json(devnull, &sc);
		health_free(h);
	}
	pipeline_free(pl);
	decoder_free(bare);
	return 0;
}
