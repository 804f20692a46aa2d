/*
 * seeds.c - turns captures into fuzz seeds for fuzz_decode.
 *
 * Usage: seeds-tool OUTDIR FILE.pcap[ng]...
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: seeds-tool OUTDIR FILE...\n");
		return 64;
	}
	static uint8_t seed[SEED_MAX], joined[SEED_MAX];
	for (int a = 2; a < argc; a++) {
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
		while (n < SEEDS_PER_FILE && (rc = pcap_next_ex(p, &h, &d)) == 1) {
			size_t len = h->caplen;
			if (len > SEED_MAX - 2)
				len = SEED_MAX - 2;
			seed[0] = (uint8_t)sel;
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
