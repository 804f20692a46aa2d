/*
 * cmd_live.c - `mirrorsense live -i IF [-i IF2 ...]`: capture mirrored
 * traffic on interfaces (AF_PACKET rings), through the same pipeline and
 * summary as `read`, with a status line every few seconds on stderr and a
 * clean stop on SIGINT/SIGTERM or after --duration.
 *
 * While it runs, the tunnel sink (capture/tunnel_sink.h) claims GRE and the
 * tunnel UDP ports so that the host does not answer every mirrored packet
 * with an ICMP error; --no-tunnel-sink turns that off.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "app/commands.h"
#include "app/job.h"
#include "capture/ifinfo.h"
#include "capture/live.h"
#include "capture/tunnel_sink.h"

enum {
	OPT_RING_MB = 1000, OPT_DIRECTION, OPT_NO_PROMISC, OPT_IGNORE_OUTGOING,
	OPT_BLOCK_TIMEOUT,
};

struct live_cli {
	struct live_opts lo;   /* capture options built from the command line */
};

static int live_handle(void *ctx, int val, const char *arg)
{
	struct live_cli *cli = ctx;
	unsigned long long v;

	switch (val) {
	case OPT_RING_MB:
		if (app_parse_uint(arg, 1, 4096, &v)) {
			fprintf(stderr, "mirrorsense live: --ring-mb wants 1..4096, not '%s'\n", arg);
			return -1;
		}
		cli->lo.ring_mb = (uint32_t)v;
		return 0;
	case OPT_BLOCK_TIMEOUT:
		if (app_parse_uint(arg, 1, 1000, &v)) {
			fprintf(stderr, "mirrorsense live: --block-timeout wants 1..1000 ms, not '%s'\n", arg);
			return -1;
		}
		cli->lo.block_timeout_ms = (uint32_t)v;
		return 0;
	case OPT_DIRECTION:
		if (!strcmp(arg, "both"))
			cli->lo.dir = AFP_DIR_BOTH;
		else if (!strcmp(arg, "rx") || !strcmp(arg, "in"))
			cli->lo.dir = AFP_DIR_RX;
		else if (!strcmp(arg, "tx") || !strcmp(arg, "out"))
			cli->lo.dir = AFP_DIR_TX;
		else {
			fprintf(stderr, "mirrorsense live: --direction is rx, tx or both, not '%s'\n", arg);
			return -1;
		}
		return 0;
	case OPT_NO_PROMISC:
		cli->lo.promisc = false;
		return 0;
	case OPT_IGNORE_OUTGOING:
		cli->lo.ignore_outgoing = true;
		return 0;
	default:
		return -1;
	}
}

/* Exit code for a failed open, from the kind of failure. */
static int open_exit_code(const struct source *s, int e)
{
	if (s->err_usage)
		return EXIT_USAGE;
	if (s->err_noinput || e == ENETDOWN)
		return EXIT_NOINPUT;
	return EXIT_OSERR;
}

int cmd_live(int argc, char **argv)
{
	static struct live_cli cli;
	static struct app_opts o;
	static struct job j;
	static struct tunnel_sink ts;
	static char claim_lines[3][1024];

	live_opts_default(&cli.lo);
	struct app_extra extra = {
		.opts = {
			{ "ring-mb", required_argument, NULL, OPT_RING_MB },
			{ "direction", required_argument, NULL, OPT_DIRECTION },
			{ "no-promisc", no_argument, NULL, OPT_NO_PROMISC },
			{ "ignore-outgoing", no_argument, NULL, OPT_IGNORE_OUTGOING },
			{ "block-timeout", required_argument, NULL, OPT_BLOCK_TIMEOUT },
			{ NULL, 0, NULL, 0 },
		},
		.handle = live_handle,
		.ctx = &cli,
		.usage = "  capture:\n"
			 "      --direction D        rx, tx or both (default both) of each interface\n"
			 "      --ignore-outgoing    skip what this host itself sends on the interfaces\n"
			 "      --no-promisc         do not put the interfaces in promiscuous mode\n"
			 "      --ring-mb N          kernel ring per interface in MiB (default 16)\n"
			 "      --block-timeout MS   ring block timeout in ms (default 10)\n",
	};
	int rc = app_opts_parse(&o, "live", argc, argv, &extra);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.nfiles) {
		fprintf(stderr, "mirrorsense live: captures interfaces (-i IF); use 'mirrorsense read FILE' for files\n");
		return EXIT_USAGE;
	}
	if (!o.nifaces) {
		fprintf(stderr, "mirrorsense live: no interface given (-i IF)\n");
		return EXIT_USAGE;
	}
	if (cli.lo.dir == AFP_DIR_TX && cli.lo.ignore_outgoing) {
		fprintf(stderr, "mirrorsense live: --direction tx and --ignore-outgoing exclude each other\n");
		return EXIT_USAGE;
	}
	if (o.write_path && !strcmp(o.write_path, "-") && (!o.quiet || o.packets)) {
		fprintf(stderr, "mirrorsense live: -w - writes pcap to standard output; add --quiet\n");
		return EXIT_USAGE;
	}
	cli.lo.bpf = o.bpf;

	if ((rc = job_setup(&j, &o, "live"))) {
		job_close(&j);
		return rc;
	}
	char err[SOURCE_ERRBUF];
	if (source_live_open(&j.src, o.ifaces, o.nifaces, &cli.lo, err) != 0) {
		int e = errno;
		fprintf(stderr, "mirrorsense live: %s\n", err);
		rc = open_exit_code(&j.src, e);
		job_close(&j);
		return rc;
	}
	j.src_open = true;

	if (!o.no_tunnel_sink) {
		tunnel_sink_open(&ts, &o.pipe.decode);
		for (int st = TUNNEL_CLAIMED; st <= TUNNEL_FAILED && j.nclaims < 3; st++) {
			char *line = claim_lines[j.nclaims];
			if (tunnel_sink_format_state(&ts, (enum tunnel_claim_state)st, line,
						     sizeof claim_lines[0]) > 0)
				j.claims[j.nclaims++] = line;
		}
	} else {
		snprintf(claim_lines[0], sizeof claim_lines[0],
			 "tunnel sink off (--no-tunnel-sink): the host answers tunnel packets itself");
		j.claims[j.nclaims++] = claim_lines[0];
	}

	fprintf(stderr, "mirrorsense live: capturing on");
	for (unsigned i = 0; i < j.src.ninputs; i++) {
		fprintf(stderr, " %s", j.src.in[i].name);
		if (j.src.in[i].link_speed_mbps)
			fprintf(stderr, " (%llu Mb/s)", (unsigned long long)j.src.in[i].link_speed_mbps);
	}
	fprintf(stderr, "%s\n", o.duration_s > 0 ? "" : "; Ctrl-C stops and prints the summary");
	for (unsigned i = 0; i < j.src.ninputs; i++) {
		struct ifinfo ii;
		if (ifinfo_get(j.src.in[i].name, &ii) == 0 && (ii.gro || ii.lro))
			fprintf(stderr, "mirrorsense live: warning: %s%s%s is on for %s: the kernel hands "
				"several wire frames over as one (ethtool -K %s gro off lro off)\n",
				ii.gro ? "GRO" : "", ii.gro && ii.lro ? " and " : "", ii.lro ? "LRO" : "",
				j.src.in[i].name, j.src.in[i].name);
	}
	fflush(stderr);

	job_run(&j);
	if (!o.no_tunnel_sink)
		tunnel_sink_close(&ts);
	if (!o.quiet) {
		struct summary_ctx sc;
		job_summary_ctx(&j, &sc);
		if (o.json)
			summary_json(stdout, &sc);
		else
			summary_text(stdout, &sc);
		fflush(stdout);
	}
	return job_close(&j);
}
