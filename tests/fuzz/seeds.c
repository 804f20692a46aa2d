/*
 * seeds.c - turns captures into fuzz seeds for fuzz_decode.
 *
 * Usage: seeds-tool OUTDIR [-p PROTO_OUTDIR] FILE.pcap[ng]...
 *
 * With -p, also seeds for fuzz_proto: the TCP/UDP payload of every packet
 * to or from a port in fuzz_proto.c's ports[] (selector: port index, which
 * side, TCP or UDP), and the body of every frame whose EtherType is one of
 * its l2_types[], in its input layout (byte 0 selector, byte 1 hint 0).
 *
 * For each capture: one seed per packet (the first SEEDS_PER_FILE packets),
 * and one seed holding its first FUZZ_MAX_PACKETS packets joined by the
 * "MSPK" separator, so that multi-packet state (fragments, dedup, flows,
 * sequence numbers) starts from real traffic. Each seed starts with the two
 * bytes fuzz_decode.c expects (link type selector; options 0). The
 * joined seed turns outer reassembly and, for Ethernet, the verify stage on. Seed files
 * are named by a hash of their content, so duplicates collapse. Files
 * libpcap cannot open are skipped with a note on stderr.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEEDS_PER_FILE 48
#define FUZZ_MAX_PACKETS 16
#define SEED_MAX 65536

/* Selector byte for a link type (see linktypes[] in fuzz_decode.c). */
static int selector(int dlt)
{
	static const int lt[8] = { 1, 101, 0, 113, 276, 108, 229, 147 };
	if (dlt == 1)
		return 0;
	if (dlt == 12 || dlt == 14 || dlt == 228)
		dlt = 101;
	for (int i = 0; i < 8; i++)
		if (lt[i] == dlt)
			return 192 + i;
	return -1;
}

static unsigned long long written;

/* fuzz_proto.c's ports[] and l2_types[] (keep in step with that file;
 * a mismatch only makes the seeds land on other parsers). */
static const uint16_t proto_ports[] = {
	502, 20000, 102, 44818, 2222, 47808, 2404, 4840, 9600, 5000, 5001, 5002,
	5006, 5007, 5560, 5562, 5094, 67, 68, 53, 5353, 5355, 137, 34964, 12001,
};
static const uint16_t proto_l2[5] = { 0x0806, 0x88cc, 0x88b8, 0x88ba, 0x8892 };

static void write_seed(const char *dir, const uint8_t *b, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	char path[4096];
	snprintf(path, sizeof(path), "%s/%016llx", dir, (unsigned long long)h);
	FILE *f = fopen(path, "wb");
	if (!f)
		return;
	if (fwrite(b, 1, n, f) == n)
		written++;
	fclose(f);
}

/* A fuzz_proto seed from one Ethernet frame, if it carries something. */
static void proto_seed(const char *dir, const uint8_t *d, size_t len)
{
	static uint8_t out[SEED_MAX];
	size_t off = 12;
	uint16_t et;
	for (int tags = 0;; tags++) {
		if (off + 2 > len)
			return;
		et = (uint16_t)(d[off] << 8 | d[off + 1]);
		off += 2;
		if ((et != 0x8100 && et != 0x88a8) || tags == 4)
			break;
		off += 2;
	}
	for (unsigned i = 0; i < 5; i++) {
		if (et == proto_l2[i] && len > off) {
			out[0] = (uint8_t)(0xc0 | i);
			out[1] = 0;
			memcpy(out + 2, d + off, len - off);
			write_seed(dir, out, len - off + 2);
			return;
		}
	}
	size_t l4;
	uint8_t proto;
	if (et == 0x0800 && off + 20 <= len) {
		proto = d[off + 9];
		l4 = off + (size_t)(d[off] & 0x0f) * 4;
	} else if (et == 0x86dd && off + 40 <= len) {
		proto = d[off + 6];
		l4 = off + 40;
	} else {
		return;
	}
	size_t hl;
	if (proto == 6 && l4 + 20 <= len)
		hl = (size_t)(d[l4 + 12] >> 4) * 4;
	else if (proto == 17 && l4 + 8 <= len)
		hl = 8;
	else
		return;
	if (hl < 8 || l4 + hl >= len)
		return;
	uint16_t sp = (uint16_t)(d[l4] << 8 | d[l4 + 1]);
	uint16_t dp = (uint16_t)(d[l4 + 2] << 8 | d[l4 + 3]);
	for (unsigned i = 0; i < sizeof(proto_ports) / sizeof(proto_ports[0]); i++) {
		if (sp != proto_ports[i] && dp != proto_ports[i])
			continue;
		out[0] = (uint8_t)((i << 2) | (dp == proto_ports[i] ? 2 : 0) | (proto == 6 ? 1 : 0));
		out[1] = 0;
		memcpy(out + 2, d + l4 + hl, len - l4 - hl);
		write_seed(dir, out, len - l4 - hl + 2);
		return;
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seeds-tool OUTDIR [-p PROTO_OUTDIR] FILE...\n");
		return 64;
	}
	const char *proto_dir = NULL;
	int first = 2;
	if (argc > 3 && !strcmp(argv[2], "-p")) {
		proto_dir = argv[3];
		first = 4;
	}
	static uint8_t seed[SEED_MAX], joined[SEED_MAX];
	for (int a = first; a < argc; a++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_open_offline(argv[a], err);
		if (!p) {
			fprintf(stderr, "seeds-tool: skip %s: %s\n", argv[a], err);
			continue;
		}
		int sel = selector(pcap_datalink(p));
		if (sel < 0) {
			pcap_close(p);
			continue;
		}
		size_t jn = 2;
		joined[0] = (uint8_t)(sel == 0 ? 128 : sel); /* Ethernet: verify stage on */
		joined[1] = 16; /* outer reassembly on */
		struct pcap_pkthdr *h;
		const u_char *d;
		int n = 0, rc;
		unsigned nproto = 0;
		while ((rc = pcap_next_ex(p, &h, &d)) == 1) {
			size_t len = h->caplen;
			if (proto_dir && sel == 0 && nproto < 4 * SEEDS_PER_FILE) {
				proto_seed(proto_dir, d, len);
				nproto++;
			}
			if (n >= SEEDS_PER_FILE) {
				if (!proto_dir)
					break;
				continue;
			}
			if (len > SEED_MAX - 2)
				len = SEED_MAX - 2;
			/* Ethernet: every other packet with -w on */
			seed[0] = (uint8_t)(sel == 0 && (n & 1) ? 64 : sel);
			seed[1] = 0;
			memcpy(seed + 2, d, len);
			write_seed(argv[1], seed, len + 2);
			if (n < FUZZ_MAX_PACKETS && jn + 4 + len <= SEED_MAX) {
				if (n > 0) {
					memcpy(joined + jn, "MSPK", 4);
					jn += 4;
				}
				memcpy(joined + jn, d, len);
				jn += len;
			}
			n++;
		}
		if (n > 1)
			write_seed(argv[1], joined, jn);
		pcap_close(p);
	}
	printf("seeds-tool: %llu seeds in %s\n", written, argv[1]);
	return 0;
}
