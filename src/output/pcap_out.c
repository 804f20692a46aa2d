/*
 * pcap_out.c - clean frames out, as Ethernet (LINKTYPE_ETHERNET) pcap.
 *
 * Every original frame is written with its two lengths (captured and on
 * the wire) and its capture time in nanoseconds. Frames that reached us
 * without an Ethernet header (IP in GRE, raw-IP captures, ERSPAN III with a
 * non-Ethernet frame type) get a 14-byte header with zero MAC addresses and
 * the EtherType of their IP version, so one file holds them all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "output/pcap_out.h"

#define PCAP_OUT_SNAPLEN 262144
#define ETH_HDR_LEN 14

struct pcap_out {
	pcap_t *dead;
	pcap_dumper_t *dump;
	FILE *f;
	bool failed;
	char err[256];
	uint8_t scratch[ETH_HDR_LEN + PCAP_OUT_SNAPLEN]; /* synthesized headers */
};

struct pcap_out *pcap_out_open(const char *path, char *err, size_t errlen)
{
	struct pcap_out *w = calloc(1, sizeof *w);
	if (!w) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, PCAP_OUT_SNAPLEN,
						       PCAP_TSTAMP_PRECISION_NANO);
	if (!w->dead) {
		snprintf(err, errlen, "out of memory");
		free(w);
		return NULL;
	}
	if (!strcmp(path, "-"))
		w->f = stdout;
	else
		w->f = fopen(path, "wb");
	if (!w->f) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	w->dump = pcap_dump_fopen(w->dead, w->f);
	if (!w->dump) {
		snprintf(err, errlen, "cannot write '%s': %s", path, pcap_geterr(w->dead));
		if (w->f != stdout)
			fclose(w->f);
		pcap_close(w->dead);
		free(w);
		return NULL;
	}
	return w;
}

int pcap_out_write(struct pcap_out *w, const struct packet *p)
{
	struct pcap_pkthdr h;
	const uint8_t *bytes = p->frame;
	uint32_t caplen = p->frame_caplen, len = p->frame_wirelen;

	if (w->failed || !bytes)
		return -1;
	if (!p->frame_is_eth) {
		uint16_t et = 0;
		if (caplen > 0)
			et = (bytes[0] >> 4) == 6 ? 0x86DD : 0x0800;
		if (caplen > PCAP_OUT_SNAPLEN)
			caplen = PCAP_OUT_SNAPLEN;
		memset(w->scratch, 0, 12);
		w->scratch[12] = (uint8_t)(et >> 8);
		w->scratch[13] = (uint8_t)et;
		memcpy(w->scratch + ETH_HDR_LEN, bytes, caplen);
		bytes = w->scratch;
		caplen += ETH_HDR_LEN;
		len += ETH_HDR_LEN;
	}
	if (caplen > PCAP_OUT_SNAPLEN)
		caplen = PCAP_OUT_SNAPLEN;
	h.ts.tv_sec = (time_t)(p->ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(p->ts_ns % 1000000000ull); /* ns precision */
	h.caplen = caplen;
	h.len = len < caplen ? caplen : len;
	pcap_dump((u_char *)w->dump, &h, bytes);
	if (ferror(w->f)) {
		w->failed = true;
		snprintf(w->err, sizeof w->err, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void pcap_out_flush(struct pcap_out *w)
{
	if (w && pcap_dump_flush(w->dump) != 0 && !w->failed) {
		w->failed = true;
		snprintf(w->err, sizeof w->err, "write error: %s", strerror(errno));
	}
}

int pcap_out_error(const struct pcap_out *w, char *err, size_t errlen)
{
	if (!w->failed)
		return 0;
	snprintf(err, errlen, "%s", w->err);
	return -1;
}

int pcap_out_close(struct pcap_out *w, char *err, size_t errlen)
{
	if (!w)
		return 0;
	pcap_out_flush(w);
	int rc = w->failed ? -1 : 0;
	if (rc)
		snprintf(err, errlen, "%s", w->err);
	if (w->f == stdout) {
		/* pcap_dump_close would fclose(stdout); the dumper is only the
		 * FILE itself, so flushing is all that is left to do. */
		fflush(stdout);
	} else {
		pcap_dump_close(w->dump);
	}
	pcap_close(w->dead);
	free(w);
	return rc;
}
