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

struct live_cli {
	struct live_opts lo;   /* capture options built from the command line */
};

static int live_handle(void *ctx, int val, const char *arg)
{
	struct live_cli *cli = ctx;
	return app_live_option(&cli->lo, "live", val, arg);
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
			APP_LIVE_LONGOPTS,
			{ NULL, 0, NULL, 0 },
		},
		.handle = live_handle,
		.ctx = &cli,
		.usage = "  capture:\n" APP_LIVE_USAGE,
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
	if (app_live_check(&cli.lo, "live"))
		return EXIT_USAGE;
	if (app_check_stdout_pcap(&o, "live"))
		return EXIT_USAGE;
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
