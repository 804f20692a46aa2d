/*
 * cmd_verify.c - `mirrorsense verify FILE...` / `verify -i IF... --duration
 * 60`: the mirror health report.
 *
 * The packets go through the shared pipeline (decode, sessions, admission,
 * dedup, flows); the health accumulator (health/health.h) listens as a
 * pipeline observer; at the end the checks (health/checks.c) turn its
 * counters into verdicts, printed as text (default), --json, and --html
 * FILE. Exit status: 0 nothing failed or warned, 1 something warned, 2
 * something failed; 64-74 for usage, input and output errors (commands.h),
 * so the command can gate a deployment script.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/commands.h"
#include "app/job.h"
#include "assets/assets.h"
#include "capture/live.h"
#include "capture/tunnel_sink.h"
#include "health/expect.h"
#include "health/health.h"
#include "health/report.h"
#include "mirror/session.h"
#include "output/verify.h"

enum {
	OPT_HTML = 1100, OPT_EXPECT, OPT_LINK_SPEED, OPT_LOSS_WARN, OPT_LOSS_FAIL,
	OPT_DUP_WARN, OPT_DUP_FAIL, OPT_BIDIR_WARN, OPT_BIDIR_FAIL, OPT_UNICAST_WARN,
	OPT_UNICAST_FAIL, OPT_TRUNC_FAIL, OPT_GAP, OPT_HWTS_SPREAD, OPT_MIN_CONN,
};

struct verify_cli {
	struct health_config hc;   /* thresholds */
	const char *html;          /* --html FILE */
	const char *expect;        /* --expect FILE */
	struct live_opts lo;       /* live capture options */
};

static int pct_arg(const char *name, const char *arg, double *v)
{
	char *end;
	errno = 0;
	double d = strtod(arg, &end);
	if (errno || end == arg || *end || d < 0 || d > 100) {
		fprintf(stderr, "mirrorsense verify: --%s wants a percentage 0..100, not '%s'\n", name, arg);
		return -1;
	}
	*v = d;
	return 0;
}

static int verify_handle(void *ctx, int val, const char *arg)
{
	struct verify_cli *cli = ctx;
	unsigned long long v;
	switch (val) {
	case OPT_HTML:
		cli->html = arg;
		return 0;
	case OPT_EXPECT:
		cli->expect = arg;
		return 0;
	case OPT_LINK_SPEED:
		if (app_parse_uint(arg, 1, 10000000, &v)) {
			fprintf(stderr, "mirrorsense verify: --link-speed wants Mbit/s (1..10000000), not '%s'\n", arg);
			return -1;
		}
		cli->hc.link_speed_mbps = v;
		return 0;
	case OPT_LOSS_WARN:
		return pct_arg("loss-warn", arg, &cli->hc.loss_warn);
	case OPT_LOSS_FAIL:
		return pct_arg("loss-fail", arg, &cli->hc.loss_fail);
	case OPT_DUP_WARN:
		return pct_arg("dup-warn", arg, &cli->hc.dup_warn);
	case OPT_DUP_FAIL:
		return pct_arg("dup-fail", arg, &cli->hc.dup_fail);
	case OPT_BIDIR_WARN:
		return pct_arg("bidir-warn", arg, &cli->hc.bidir_warn);
	case OPT_BIDIR_FAIL:
		return pct_arg("bidir-fail", arg, &cli->hc.bidir_fail);
	case OPT_UNICAST_WARN:
		return pct_arg("unicast-warn", arg, &cli->hc.unicast_warn);
	case OPT_UNICAST_FAIL:
		return pct_arg("unicast-fail", arg, &cli->hc.unicast_fail);
	case OPT_TRUNC_FAIL:
		return pct_arg("trunc-fail", arg, &cli->hc.trunc_fail);
	case OPT_GAP:
		if (app_parse_uint(arg, 1, 86400, &v)) {
			fprintf(stderr, "mirrorsense verify: --gap wants seconds (1..86400), not '%s'\n", arg);
			return -1;
		}
		cli->hc.gap_s = (double)v;
		return 0;
	case OPT_HWTS_SPREAD:
		if (app_parse_uint(arg, 1, 3600000, &v)) {
			fprintf(stderr, "mirrorsense verify: --hwts-spread wants ms, not '%s'\n", arg);
			return -1;
		}
		cli->hc.hwts_spread_ms = (double)v;
		return 0;
	case OPT_MIN_CONN:
		if (app_parse_uint(arg, 1, 1000000, &v)) {
			fprintf(stderr, "mirrorsense verify: --min-conn-packets wants 1.., not '%s'\n", arg);
			return -1;
		}
		cli->hc.min_conn_packets = (unsigned)v;
		return 0;
	default:
		if (val >= APP_OPT_LIVE_FIRST && val <= APP_OPT_LIVE_LAST)
			return app_live_option(&cli->lo, "verify", val, arg);
		return -1;
	}
}

/* Name of a pipeline session index for the duplicate sources. */
static void dup_name(const struct pipeline *pl, const struct health *h, uint32_t idx, char *buf,
		     size_t len)
{
	const struct session_table *t = pipeline_sessions(pl);
	if (idx == UINT32_MAX || !t || idx >= session_count(t)) {
		snprintf(buf, len, "the plain SPAN/TAP traffic");
		return;
	}
	for (unsigned i = 0; i < h->nsess; i++)
		if (h->sess[i].pl_index == (int32_t)idx) {
			health_session_name(&h->sess[i], buf, len);
			return;
		}
	snprintf(buf, len, "session #%u", idx);
}

/* Files are named by their base name (the report is read on another host). */
static const char *input_name(const struct app_opts *o, const struct source *s, unsigned i)
{
	if (!s->in[i].live && i < o->nfiles && o->files[i] && strcmp(o->files[i], "-")) {
		const char *slash = strrchr(o->files[i], '/');
		return slash && slash[1] ? slash + 1 : o->files[i];
	}
	return s->in[i].name;
}

int cmd_verify(int argc, char **argv)
{
	static struct verify_cli cli;
	static struct app_opts o;
	static struct job j;
	static struct tunnel_sink ts;
	static struct expect ex;
	bool sink_open = false;

	memset(&cli, 0, sizeof cli);
	health_config_default(&cli.hc);
	live_opts_default(&cli.lo);
	struct app_extra extra = {
		.opts = {
			{ "html", required_argument, NULL, OPT_HTML },
			{ "expect", required_argument, NULL, OPT_EXPECT },
			{ "link-speed", required_argument, NULL, OPT_LINK_SPEED },
			{ "loss-warn", required_argument, NULL, OPT_LOSS_WARN },
			{ "loss-fail", required_argument, NULL, OPT_LOSS_FAIL },
			{ "dup-warn", required_argument, NULL, OPT_DUP_WARN },
			{ "dup-fail", required_argument, NULL, OPT_DUP_FAIL },
			{ "bidir-warn", required_argument, NULL, OPT_BIDIR_WARN },
			{ "bidir-fail", required_argument, NULL, OPT_BIDIR_FAIL },
			{ "unicast-warn", required_argument, NULL, OPT_UNICAST_WARN },
			{ "unicast-fail", required_argument, NULL, OPT_UNICAST_FAIL },
			{ "trunc-fail", required_argument, NULL, OPT_TRUNC_FAIL },
			{ "gap", required_argument, NULL, OPT_GAP },
			{ "hwts-spread", required_argument, NULL, OPT_HWTS_SPREAD },
			{ "min-conn-packets", required_argument, NULL, OPT_MIN_CONN },
			APP_LIVE_LONGOPTS,
			{ NULL, 0, NULL, 0 },
		},
		.handle = verify_handle,
		.ctx = &cli,
		.usage = "  verify:\n"
			 "      --html FILE          also write a self-contained HTML report\n"
			 "      --expect FILE        expectations to verify (docs/verify.md)\n"
			 "      --link-speed MBPS    monitoring port speed (live: read from the interface)\n"
			 "      --loss-warn P        TCP/sequence loss % that warns (default 1)\n"
			 "      --loss-fail P        ... that fails (default 10)\n"
			 "      --dup-warn P         duplicate % that warns (default 1)\n"
			 "      --dup-fail P         ... that fails (default 60)\n"
			 "      --bidir-warn P       TCP connections seen both ways below this % warn (90)\n"
			 "      --bidir-fail P       ... below this fail (default 50)\n"
			 "      --unicast-warn P     unicast share of frames below this % warns (20)\n"
			 "      --unicast-fail P     ... below this fails (default 5)\n"
			 "      --trunc-fail P       truncated frames % that fails (default 10)\n"
			 "      --gap S              a silence longer than S seconds warns (default 10)\n"
			 "      --hwts-spread MS     ERSPAN III timestamp spread that warns (default 100)\n"
			 "      --min-conn-packets N shorter TCP connections are not judged (default 2)\n"
			 "  capture (-i):\n" APP_LIVE_USAGE
			 "  exit status: 0 all passed, 1 something warned, 2 something failed,\n"
			 "  64 usage, 65 bad input, 66 input missing, 74 output not written\n",
	};
	int rc = app_opts_parse(&o, "verify", argc, argv, &extra);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (o.nfiles && o.nifaces) {
		fprintf(stderr, "mirrorsense verify: give files or interfaces (-i), not both\n");
		return EXIT_USAGE;
	}
	if (!o.nfiles && !o.nifaces) {
		fprintf(stderr, "mirrorsense verify: no input: give capture files or -i IF\n");
		return EXIT_USAGE;
	}
	if (cli.hc.loss_warn > cli.hc.loss_fail || cli.hc.dup_warn > cli.hc.dup_fail ||
	    cli.hc.bidir_warn < cli.hc.bidir_fail || cli.hc.unicast_warn < cli.hc.unicast_fail) {
		fprintf(stderr, "mirrorsense verify: a warn threshold is beyond its fail threshold\n");
		return EXIT_USAGE;
	}
	if (app_live_check(&cli.lo, "verify"))
		return EXIT_USAGE;
	if (o.write_path && !strcmp(o.write_path, "-")) {
		fprintf(stderr, "mirrorsense verify: -w - is not supported here (the report goes to standard output)\n");
		return EXIT_USAGE;
	}
	if (cli.expect) {
		char err[512];
		if (expect_load(cli.expect, &ex, err, sizeof err)) {
			fprintf(stderr, "mirrorsense verify: --expect %s\n", err);
			return errno == ENOENT ? EXIT_NOINPUT : EXIT_DATAERR;
		}
	}
	struct health *h = health_new(&cli.hc);
	if (!h) {
		fprintf(stderr, "mirrorsense verify: out of memory\n");
		return EXIT_SOFTWARE;
	}
	if ((rc = job_setup(&j, &o, "verify"))) {
		job_close(&j);
		health_free(h);
		return rc;
	}
	struct pipeline_observer ob = {
		.on_packet = health_on_packet,
		.on_finish = health_on_finish,
		.on_tcp_bytes = health_on_tcp_bytes,
		.ctx = h,
	};
	pipeline_add_observer(j.pl, &ob);
	if (o.nfiles) {
		if ((rc = job_open_files(&j))) {
			job_close(&j);
			health_free(h);
			return rc;
		}
	} else {
		char err[SOURCE_ERRBUF];
		cli.lo.bpf = o.bpf;
		if (source_live_open(&j.src, o.ifaces, o.nifaces, &cli.lo, err) != 0) {
			fprintf(stderr, "mirrorsense verify: %s\n", err);
			rc = j.src.err_usage ? EXIT_USAGE : j.src.err_noinput ? EXIT_NOINPUT : EXIT_OSERR;
			job_close(&j);
			health_free(h);
			return rc;
		}
		j.src_open = true;
		if (!o.no_tunnel_sink) {
			tunnel_sink_open(&ts, &o.pipe.decode);
			sink_open = true;
		}
		fprintf(stderr, "mirrorsense verify: capturing on");
		for (unsigned i = 0; i < j.src.ninputs; i++)
			fprintf(stderr, " %s", j.src.in[i].name);
		fprintf(stderr, "%s\n", o.duration_s > 0 ? "" : "; Ctrl-C stops and prints the report");
		fflush(stderr);
	}
	for (unsigned i = 0; i < j.src.ninputs; i++)
		health_set_input(h, i, input_name(&o, &j.src, i), j.src.in[i].live,
				 j.src.in[i].link_speed_mbps, 0);

	job_run(&j);
	if (sink_open)
		tunnel_sink_close(&ts);
	if (j.src.ops && j.src.ops->refresh_stats)
		j.src.ops->refresh_stats(&j.src);
	for (unsigned i = 0; i < j.src.ninputs; i++)
		health_set_input(h, i, input_name(&o, &j.src, i), j.src.in[i].live,
				 j.src.in[i].link_speed_mbps, j.src.in[i].kernel_drops);
	health_finish(h);

	struct health_report_input ri = {
		.h = h,
		.ex = cli.expect ? &ex : NULL,
		.dedup_enabled = o.pipe.dedup.enabled,
	};
	const struct pipeline_stats *st = pipeline_stats(j.pl);
	for (unsigned i = 0; i < st->ndup_pairs && ri.ndups < REPORT_MAX_DUP_SOURCES; i++) {
		struct health_dup_source *d = &ri.dups[ri.ndups++];
		dup_name(j.pl, h, st->dup_pairs[i].orig_session, d->orig, sizeof d->orig);
		dup_name(j.pl, h, st->dup_pairs[i].copy_session, d->copy, sizeof d->copy);
		d->packets = st->dup_pairs[i].packets;
	}
	struct health_subnet_inventory *inv = NULL;
	if (j.assets) {
		ri.have_inventory = true;
		ri.devices_inventory = assets_device_count(j.assets);
		inv = calloc(h->nsubnets ? h->nsubnets : 1, sizeof(*inv));
		for (unsigned i = 0; inv && i < h->nsubnets; i++) {
			char cidr[64];
			struct assets_subnet_info si;
			health_subnet_name(&h->subnets[i], cidr, sizeof cidr);
			if (assets_subnet_summary(j.assets, cidr, &si) == 0 && si.devices) {
				inv[i].known = true;
				inv[i].devices = si.devices;
				snprintf(inv[i].ot_protocols, sizeof inv[i].ot_protocols, "%s",
					 si.ot_protocols);
				snprintf(inv[i].types, sizeof inv[i].types, "%s", si.types);
			}
		}
		ri.inv = inv;
	}
	struct health_report rep;
	if (health_report_build(&ri, &rep)) {
		free(inv);
		fprintf(stderr, "mirrorsense verify: out of memory\n");
		job_close(&j);
		health_free(h);
		return EXIT_SOFTWARE;
	}
	struct verify_meta meta = {
		.version = NULL,
		.expect_path = cli.expect,
		.elapsed_s = j.elapsed_s,
		.stopped = j.result == RUN_STOPPED,
		.input_error = (j.src.nerrors || j.result == RUN_ERROR) ? j.src.err : NULL,
	};
	if (o.json)
		verify_json(stdout, &rep, &meta);
	else if (!o.quiet)
		verify_text(stdout, &rep, &meta);
	fflush(stdout);
	int out_rc = 0;
	if (cli.html && verify_html(cli.html, &rep, &meta)) {
		fprintf(stderr, "mirrorsense verify: --html %s: %s\n", cli.html, strerror(errno));
		out_rc = EXIT_IOERR;
	}
	int verdict_rc = health_report_exit(&rep);
	health_report_free(&rep);
	free(inv);
	rc = job_close(&j);
	health_free(h);
	if (rc)
		return rc;
	if (out_rc)
		return out_rc;
	return verdict_rc;
}
