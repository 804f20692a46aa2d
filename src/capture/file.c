/*
 * file.c - packets from capture files through libpcap (pcap and pcapng,
 * "-" for standard input), several files merged by timestamp.
 *
 * Merging is what a TAP with one port per direction needs: each leg is
 * captured to its own file and the sensor must see the two directions in
 * time order. Each input keeps one pending packet (libpcap's buffer stays
 * valid until that handle is read again); next() hands out the oldest and
 * reads the next one from that input on the following call.
 *
 * A file that ends in the middle of a record (a capture cut off by a full
 * disk or a killed tcpdump) stops that input only: what was read is kept,
 * the error is recorded in source.err and source.nerrors, and the other
 * inputs go on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <pcap/pcap.h>

#include "capture/source.h"

#define FILE_IOBUF (1u << 20)

struct file_input {
	pcap_t *pcap;
	char *iobuf;                /* stdio buffer of the file (FILE_IOBUF) */
	const uint8_t *data;        /* pending packet, NULL when none */
	struct pcap_pkthdr hdr;     /* header of the pending packet */
	bool need_read;             /* pending packet was handed out */
	bool done;
};

struct file_state {
	struct file_input in[SOURCE_MAX_INPUTS];
};

static uint64_t hdr_ts_ns(const struct pcap_pkthdr *h)
{
	/* Opened with nanosecond precision: tv_usec holds nanoseconds. */
	return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
}

/* Read the next record of input i into its pending slot. */
static void file_advance(struct source *s, unsigned i)
{
	struct file_state *st = s->priv;
	struct file_input *fi = &st->in[i];
	struct pcap_pkthdr *h;
	const u_char *d;

	fi->need_read = false;
	fi->data = NULL;
	if (fi->done)
		return;
	int rc = pcap_next_ex(fi->pcap, &h, &d);
	if (rc == 1) {
		fi->hdr = *h;
		fi->data = d;
		return;
	}
	fi->done = true;
	if (rc == PCAP_ERROR) {
		s->nerrors++;
		snprintf(s->err, sizeof s->err, "%s: %s (after %llu packets)",
			 s->in[i].name, pcap_geterr(fi->pcap),
			 (unsigned long long)s->in[i].packets);
	}
}

static enum source_status file_next(struct source *s, struct packet *pkt)
{
	struct file_state *st = s->priv;
	int best = -1;

	for (unsigned i = 0; i < s->ninputs; i++) {
		struct file_input *fi = &st->in[i];
		if (fi->need_read)
			file_advance(s, i);
		if (!fi->data)
			continue;
		if (best < 0 || hdr_ts_ns(&fi->hdr) < hdr_ts_ns(&st->in[best].hdr))
			best = (int)i;
	}
	if (best < 0)
		return SOURCE_EOF;

	struct file_input *fi = &st->in[best];
	memset(pkt, 0, sizeof *pkt);
	pkt->data = fi->data;
	pkt->caplen = fi->hdr.caplen;
	pkt->wirelen = fi->hdr.len < fi->hdr.caplen ? fi->hdr.caplen : fi->hdr.len;
	pkt->ts_ns = hdr_ts_ns(&fi->hdr);
	pkt->source = (uint16_t)best;
	pkt->linktype = s->in[best].linktype;
	fi->need_read = true;
	s->in[best].packets++;
	s->in[best].bytes += pkt->wirelen;
	return SOURCE_OK;
}

static void file_refresh(struct source *s)
{
	(void)s;
}

static void file_close(struct source *s)
{
	struct file_state *st = s->priv;
	if (!st)
		return;
	for (unsigned i = 0; i < s->ninputs; i++) {
		if (st->in[i].pcap)
			pcap_close(st->in[i].pcap); /* closes the FILE too */
		free(st->in[i].iobuf);
	}
	free(st);
	s->priv = NULL;
}

static const struct source_ops file_ops = {
	.next = file_next,
	.refresh_stats = file_refresh,
	.close = file_close,
};

/* Names of the link types we decode; others are refused up front. */
static bool linktype_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_LINUX_SLL:
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
#endif
	case DLT_RAW:
	case DLT_NULL:
	case DLT_LOOP:
	case 228: /* LINKTYPE_IPV4 */
	case 229: /* LINKTYPE_IPV6 */
		return true;
	default:
		return false;
	}
}

int source_file_open(struct source *s, const char *const *paths, unsigned n,
		     const char *bpf, char *errbuf)
{
	memset(s, 0, sizeof *s);
	if (n == 0 || n > SOURCE_MAX_INPUTS) {
		snprintf(errbuf, SOURCE_ERRBUF, "between 1 and %d input files, not %u",
			 SOURCE_MAX_INPUTS, n);
		return -1;
	}
	struct file_state *st = calloc(1, sizeof *st);
	if (!st) {
		snprintf(errbuf, SOURCE_ERRBUF, "out of memory");
		return -1;
	}
	s->priv = st;
	s->ops = &file_ops;
	unsigned stdin_used = 0;

	for (unsigned i = 0; i < n; i++) {
		char perr[PCAP_ERRBUF_SIZE] = "";
		const char *path = paths[i];
		struct stat sb;

		s->ninputs = i + 1;
		snprintf(s->in[i].name, sizeof s->in[i].name, "%s",
			 strcmp(path, "-") ? path : "stdin");
		if (!strcmp(path, "-")) {
			if (stdin_used++) {
				snprintf(errbuf, SOURCE_ERRBUF, "standard input given twice");
				goto fail;
			}
		} else if (stat(path, &sb) != 0) {
			snprintf(errbuf, SOURCE_ERRBUF, "%s: %s", path, strerror(errno));
			s->err_noinput = true;
			goto fail;
		} else if (S_ISDIR(sb.st_mode)) {
			snprintf(errbuf, SOURCE_ERRBUF, "%s: is a directory, not a capture file", path);
			s->err_noinput = true;
			goto fail;
		}
		/* Our own FILE with a large buffer: libpcap reads each record
		 * with two small freads, and a 1 MiB buffer turns those into
		 * few read() calls. */
		FILE *fp = strcmp(path, "-") ? fopen(path, "rb") : stdin;
		if (!fp) {
			snprintf(errbuf, SOURCE_ERRBUF, "%.64s: %s", path, strerror(errno));
			s->err_noinput = errno == ENOENT;
			goto fail;
		}
		st->in[i].iobuf = malloc(FILE_IOBUF);
		if (st->in[i].iobuf)
			setvbuf(fp, st->in[i].iobuf, _IOFBF, FILE_IOBUF);
		st->in[i].pcap = pcap_fopen_offline_with_tstamp_precision(
			fp, PCAP_TSTAMP_PRECISION_NANO, perr);
		if (!st->in[i].pcap && fp != stdin)
			fclose(fp);
		if (!st->in[i].pcap) {
			if (!strcmp(path, "-") || strstr(perr, "truncated") || strstr(perr, "unknown file format") ||
			    strstr(perr, "bad dump file") || strstr(perr, "block"))
				snprintf(errbuf, SOURCE_ERRBUF, "%.64s: not a readable pcap or pcapng file (%.150s)",
					 s->in[i].name, perr);
			else
				snprintf(errbuf, SOURCE_ERRBUF, "%.64s: %.180s", s->in[i].name, perr);
			goto fail;
		}
		int dlt = pcap_datalink(st->in[i].pcap);
		if (!linktype_supported(dlt)) {
			const char *dn = pcap_datalink_val_to_name(dlt);
			snprintf(errbuf, SOURCE_ERRBUF, "%s: link type %s (%d) is not supported",
				 s->in[i].name, dn ? dn : "unknown", dlt);
			goto fail;
		}
		s->in[i].linktype = dlt;
		s->in[i].snaplen = (uint32_t)pcap_snapshot(st->in[i].pcap);
		if (bpf && *bpf) {
			struct bpf_program prog;
			if (pcap_compile(st->in[i].pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) != 0) {
				snprintf(errbuf, SOURCE_ERRBUF, "filter '%s': %s", bpf,
					 pcap_geterr(st->in[i].pcap));
				s->err_usage = true;
				goto fail;
			}
			int rc = pcap_setfilter(st->in[i].pcap, &prog);
			pcap_freecode(&prog);
			if (rc != 0) {
				snprintf(errbuf, SOURCE_ERRBUF, "filter '%s': %s", bpf,
					 pcap_geterr(st->in[i].pcap));
				goto fail;
			}
		}
		st->in[i].need_read = true;
	}
	return 0;
fail:
	file_close(s);
	s->ops = NULL;
	return -1;
}
