/*
 * protodump.c - print what the protocol parsers (src/proto) find in a
 * capture, one line per recognised message, for the golden and tshark
 * cross-check tests of tests/proto.
 *
 * Usage: protodump [-a] FILE
 *   -a   also print messages without fields of interest (default: all
 *        recognised messages are printed; -i prints identity fields only)
 *
 * Line format (frame numbers count from 1 as in tshark):
 *   FRAME PROTO SRCROLE>DSTROLE key=value ... src.key=value dst.key=value
 * Detail fields print as key=value; identity fields carry the side they
 * describe: "src." (sender), "dst." (receiver), "subj." (the MAC named
 * in the message, e.g. the ARP sender or the DHCP client) or "addr(IP)."
 * (whichever device uses IP, e.g. a DNS answer). Values are
 * printed as the parser stored them, spaces kept, separated by " | ".
 * Packets go through the real decoder (decode_packet) first, so tunnelled
 * OT traffic is parsed the same way the sensor sees it. At the end, the
 * non-zero proto.* event counters are printed as "# event NAME COUNT".
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "decode/decode.h"
#include "proto/proto.h"

static const char *side_prefix(const struct proto_field *f, char *buf, size_t len)
{
	if (f->side == SIDE_ADDR) {
		char ip[INET6_ADDRSTRLEN] = "";
		inet_ntop(f->addr.family == 4 ? AF_INET : AF_INET6, f->addr.a, ip, sizeof ip);
		snprintf(buf, len, "addr(%s).", ip);
		return buf;
	}
	return f->side == SIDE_SRC ? "src." : f->side == SIDE_DST ? "dst." : "subj.";
}

int main(int argc, char **argv)
{
	bool ident_only = false;
	int opt;
	while ((opt = getopt(argc, argv, "i")) != -1) {
		if (opt == 'i')
			ident_only = true;
		else {
			fprintf(stderr, "usage: protodump [-i] FILE\n");
			return 64;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: protodump [-i] FILE\n");
		return 64;
	}
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(argv[optind], err);
	if (!pc) {
		fprintf(stderr, "protodump: %s\n", err);
		return 66;
	}
	static struct event_counts ev;
	struct decode_config cfg;
	decode_config_default(&cfg);
	struct decoder *dec = decoder_new(&cfg, &ev);
	if (!dec)
		return 70;
	int linktype = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned long frame = 0;
	struct proto_msg m;
	memset(&m, 0, sizeof m);
	m.details = true;
	while (pcap_next_ex(pc, &h, &data) == 1) {
		frame++;
		struct packet p;
		memset(&p, 0, sizeof p);
		p.data = data;
		p.caplen = h->caplen;
		p.wirelen = h->len;
		p.ts_ns = (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * 1000u;
		p.linktype = linktype;
		if (!decode_packet(dec, &p))
			continue;
		if (!proto_dispatch(&m, &p, &ev, PROTO_NONE))
			continue;
		if (ident_only) {
			bool any = false;
			for (unsigned i = 0; i < m.nf; i++)
				any |= m.f[i].ident;
			if (!any)
				continue;
		}
		printf("%lu %s %s>%s", frame, proto_name(m.proto),
		       proto_role_name(m.src_role), proto_role_name(m.dst_role));
		for (unsigned i = 0; i < m.nf; i++) {
			const struct proto_field *f = &m.f[i];
			if (ident_only && !f->ident)
				continue;
			char pb[64];
			printf(" | %s%s=%s", f->ident ? side_prefix(f, pb, sizeof pb) : "", f->key,
			       f->value);
		}
		printf("\n");
	}
	for (int i = 0; i < EV__COUNT; i++)
		if (ev.n[i] && !strncmp(event_name(i), "proto.", 6))
			printf("# event %s %llu\n", event_name(i), (unsigned long long)ev.n[i]);
	decoder_free(dec);
	pcap_close(pc);
	return 0;
}
