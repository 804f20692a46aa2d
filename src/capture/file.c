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
 *
 * Fast path: libpcap reads each record with two small freads and copies
 * the bytes twice. For a regular file in the classic pcap format (magic
 * a1b2c3d4 or a1b23c4d, version 2.4, either byte order) without a BPF
 * filter, the records are parsed here from a large buffer filled with
 * pread() and handed out in place. Only records that are plainly well
 * formed take this path (caplen within the snapshot length, timestamp
 * fields in range, the whole record present); at the first one that is
 * not, the file position of libpcap's FILE is set to that record and
 * libpcap reads the rest, so truncated or odd files give exactly the
 * packets and errors they always did. libpcap still opens every file
 * (header checks, link type, snapshot length).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture/source.h"

#define FILE_IOBUF (1u << 20)
#define FAST_BUF (512u << 10)      /* fast path read buffer (stays in L2) */
#define FAST_HDR 16u               /* classic pcap record header */
#define FAST_MAX_CAPLEN 262144u    /* libpcap's largest snapshot length */

/* The fast path's state for one input (see the top of the file). */
struct fast_reader {
	bool active;                /* records are read here, not by libpcap */
	bool swapped;               /* file written in the other byte order */
	bool nsec;                  /* timestamps in nanoseconds (a1b23c4d) */
	int fd;                     /* the file (libpcap's FILE's descriptor) */
	uint32_t snap;              /* libpcap's snapshot length for the file */
	uint8_t *buf;               /* FAST_BUF bytes of the file */
	size_t len;                 /* valid bytes in buf */
	size_t pos;                 /* next record's offset in buf */
	uint64_t off;               /* file offset of buf[0] */
	bool eof;                   /* pread() found the end of the file */
};

struct file_input {
	pcap_t *pcap;
	FILE *fp;                   /* libpcap's FILE (set to hand over) */
	char *iobuf;                /* stdio buffer of the file (FILE_IOBUF) */
	const uint8_t *data;        /* pending packet, NULL when none */
	struct pcap_pkthdr hdr;     /* header of the pending packet */
	uint64_t ts_ns;             /* its time in ns */
	bool need_read;             /* pending packet was handed out */
	bool done;
	struct fast_reader fast;    /* fast path */
};

struct file_state {
	struct file_input in[SOURCE_MAX_INPUTS];
};

static uint64_t hdr_ts_ns(const struct pcap_pkthdr *h)
{
	/* Opened with nanosecond precision: tv_usec holds nanoseconds. */
	return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec;
}

static uint32_t rd32(const uint8_t *b, bool swapped)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

/* Move the unread tail to the front of the buffer and fill the rest. */
static void fast_refill(struct fast_reader *fr)
{
	size_t keep = fr->len - fr->pos;
	if (keep && fr->pos)
		memmove(fr->buf, fr->buf + fr->pos, keep);
	fr->off += fr->pos;
	fr->pos = 0;
	fr->len = keep;
	while (!fr->eof && fr->len < FAST_BUF) {
		ssize_t n = pread(fr->fd, fr->buf + fr->len, FAST_BUF - fr->len,
				  (off_t)(fr->off + fr->len));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fr->eof = true; /* end, or an error libpcap will report */
			break;
		}
		fr->len += (size_t)n;
	}
}

/*
 * Next record by the fast path: 1 = *fi->hdr / fi->data set, 0 = end of
 * file, -1 = this record is for libpcap (fast path now off, FILE set to
 * the record).
 */
static int fast_next(struct file_input *fi)
{
	struct fast_reader *fr = &fi->fast;
	if (fr->len - fr->pos < FAST_HDR)
		fast_refill(fr);
	size_t avail = fr->len - fr->pos;
	if (avail == 0)
		return 0;
	if (avail >= FAST_HDR) {
		const uint8_t *h = fr->buf + fr->pos;
		uint32_t sec = rd32(h, fr->swapped), frac = rd32(h + 4, fr->swapped);
		uint32_t caplen = rd32(h + 8, fr->swapped), len = rd32(h + 12, fr->swapped);
		bool ok = caplen <= fr->snap && caplen <= FAST_MAX_CAPLEN &&
			  sec < 0x80000000u && frac < (fr->nsec ? 1000000000u : 1000000u);
		if (ok && avail < FAST_HDR + caplen) {
			fast_refill(fr);
			avail = fr->len - fr->pos;
			h = fr->buf + fr->pos;
		}
		if (ok && avail >= FAST_HDR + caplen) {
			fi->hdr.ts.tv_sec = (time_t)sec;
			fi->hdr.ts.tv_usec = (suseconds_t)(fr->nsec ? frac : frac * 1000u);
			fi->hdr.caplen = caplen;
			fi->hdr.len = len;
			fi->data = h + FAST_HDR;
			fr->pos += FAST_HDR + caplen;
			return 1;
		}
	}
	/* Not plainly well formed (or cut short): libpcap takes over here. */
	fr->active = false;
	if (fseeko(fi->fp, (off_t)(fr->off + fr->pos), SEEK_SET) != 0)
		fi->done = true;
	return -1;
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
	if (fi->fast.active) {
		int r = fast_next(fi);
		if (r == 1) {
			fi->ts_ns = hdr_ts_ns(&fi->hdr);
			return;
		}
		if (r == 0) {
			fi->done = true;
			return;
		}
		if (fi->done)
			return;
	}
	int rc = pcap_next_ex(fi->pcap, &h, &d);
	if (rc == 1) {
		fi->hdr = *h;
		fi->data = d;
		fi->ts_ns = hdr_ts_ns(h);
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

	if (s->ninputs == 1) {
		/* One input: nothing to merge. */
		if (st->in[0].need_read)
			file_advance(s, 0);
		if (st->in[0].data)
			best = 0;
	} else for (unsigned i = 0; i < s->ninputs; i++) {
		struct file_input *fi = &st->in[i];
		if (fi->need_read)
			file_advance(s, i);
		if (!fi->data)
			continue;
		if (best < 0 || fi->ts_ns < st->in[best].ts_ns)
			best = (int)i;
	}
	if (best < 0)
		return SOURCE_EOF;

	struct file_input *fi = &st->in[best];
	/* Raw part only: decode_packet() resets every other field. */
	pkt->data = fi->data;
	pkt->caplen = fi->hdr.caplen;
	pkt->wirelen = fi->hdr.len < fi->hdr.caplen ? fi->hdr.caplen : fi->hdr.len;
	pkt->ts_ns = fi->ts_ns;
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
		free(st->in[i].fast.buf);
	}
	free(st);
	s->priv = NULL;
}

static const struct source_ops file_ops = {
	.next = file_next,
	.refresh_stats = file_refresh,
	.close = file_close,
};

/*
 * Turn the fast path on for a classic pcap file whose records need no
 * treatment by libpcap (see the top of the file); libpcap has read the
 * 24-byte file header already.
 */
static void fast_setup(struct file_input *fi, int dlt)
{
	uint8_t h[24];
	int fd = fileno(fi->fp);
	if (fd < 0 || pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h)
		return;
	uint32_t magic;
	memcpy(&magic, h, 4);
	bool swapped;
	bool nsec;
	if (magic == 0xa1b2c3d4u || magic == 0xa1b23c4du) {
		swapped = false;
		nsec = magic == 0xa1b23c4du;
	} else if (magic == 0xd4c3b2a1u || magic == 0x4d3cb2a1u) {
		swapped = true;
		nsec = magic == 0x4d3cb2a1u;
	} else {
		return; /* pcapng, modified pcap, ...: libpcap */
	}
	uint16_t v[2];
	memcpy(v, h + 4, 4);
	uint16_t vmaj = swapped ? __builtin_bswap16(v[0]) : v[0];
	uint16_t vmin = swapped ? __builtin_bswap16(v[1]) : v[1];
	if (vmaj != 2 || vmin != 4)
		return; /* older versions may swap caplen and len: libpcap */
	/* A swapped file may need pseudo-header fixes for some link types. */
	if (swapped && dlt != DLT_EN10MB && dlt != DLT_RAW && dlt != 228 && dlt != 229)
		return;
	int snap = pcap_snapshot(fi->pcap);
	if (snap <= 0)
		return;
	fi->fast.buf = malloc(FAST_BUF);
	if (!fi->fast.buf)
		return;
	fi->fast.fd = fd;
	fi->fast.swapped = swapped;
	fi->fast.nsec = nsec;
	fi->fast.snap = (uint32_t)snap;
	fi->fast.off = 24;
	fi->fast.active = true;
}

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
		struct stat sb = { 0 };

		s->ninputs = i + 1;
		snprintf(s->in[i].name, sizeof s->in[i].name, "%s",
			 strcmp(path, "-") ? path : "stdin");
		if (!strcmp(path, "-")) {
			if (stdin_used++) {
				snprintf(errbuf, SOURCE_ERRBUF, "standard input given twice");
				s->err_usage = true;
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
		st->in[i].fp = fp;
		if (fp != stdin && S_ISREG(sb.st_mode) && !(bpf && *bpf))
			fast_setup(&st->in[i], dlt);
		st->in[i].need_read = true;
	}
	return 0;
fail:
	file_close(s);
	s->ops = NULL;
	return -1;
}
