/* options.c - shared command-line options (see options.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/options.h"

enum {
	OPT_JSON = 256, OPT_DURATION, OPT_STATUS, OPT_NO_DEDUP, OPT_DEDUP_WINDOW,
	OPT_ERSPAN_SESSION, OPT_ERSPAN_SOURCE, OPT_RSPAN_VLAN, OPT_VXLAN_PORT,
	OPT_GENEVE_PORT, OPT_TZSP_PORT, OPT_MAX_FLOWS, OPT_FLOW_VLAN, OPT_NO_FLOW_VLAN,
	OPT_DB, OPT_PACKETS, OPT_TOP, OPT_QUIET, OPT_NO_TUNNEL_SINK, OPT_NO_REASSEMBLY,
};

static const struct option common_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "filter", required_argument, NULL, 'f' },
	{ "interface", required_argument, NULL, 'i' },
	{ "write", required_argument, NULL, 'w' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "status-interval", required_argument, NULL, OPT_STATUS },
	{ "no-dedup", no_argument, NULL, OPT_NO_DEDUP },
	{ "dedup-window", required_argument, NULL, OPT_DEDUP_WINDOW },
	{ "erspan-session", required_argument, NULL, OPT_ERSPAN_SESSION },
	{ "erspan-source", required_argument, NULL, OPT_ERSPAN_SOURCE },
	{ "rspan-vlan", required_argument, NULL, OPT_RSPAN_VLAN },
	{ "vxlan-port", required_argument, NULL, OPT_VXLAN_PORT },
	{ "geneve-port", required_argument, NULL, OPT_GENEVE_PORT },
	{ "tzsp-port", required_argument, NULL, OPT_TZSP_PORT },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "flow-vlan", no_argument, NULL, OPT_FLOW_VLAN },
	{ "no-flow-vlan", no_argument, NULL, OPT_NO_FLOW_VLAN },
	{ "db", required_argument, NULL, OPT_DB },
	{ "packets", no_argument, NULL, OPT_PACKETS },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "no-tunnel-sink", no_argument, NULL, OPT_NO_TUNNEL_SINK },
	{ "no-reassembly", no_argument, NULL, OPT_NO_REASSEMBLY },
};
#define NCOMMON (sizeof common_opts / sizeof common_opts[0])

static const char common_usage[] =
	"  -f, --filter EXPR        BPF capture filter (tcpdump syntax, applied to the outer packet)\n"
	"  -w, --write FILE         write the original frames (decapsulated, deduplicated) as pcap\n"
	"      --json               print the summary as one JSON document (docs/json.md)\n"
	"      --packets            print one line per packet (layers, mirror context)\n"
	"      --quiet              print no summary\n"
	"      --top N              flows listed in the summary (default 10)\n"
	"  tunnel termination:\n"
	"      --erspan-session LIST  accept ERSPAN only for these session IDs (1-1023, e.g. 1,5-7)\n"
	"      --erspan-source ADDR   accept tunnels only from this source address (repeatable)\n"
	"      --rspan-vlan LIST      strip these RSPAN VLAN IDs (e.g. 900)\n"
	"      --vxlan-port N         VXLAN UDP port (repeatable; default 4789)\n"
	"      --geneve-port N        Geneve UDP port (repeatable; default 6081)\n"
	"      --tzsp-port N          TZSP UDP port (repeatable; default 37008)\n"
	"      --no-reassembly        do not rebuild tunnel packets cut into IP fragments\n"
	"  deduplication and flows:\n"
	"      --no-dedup           keep every copy\n"
	"      --dedup-window T     copies closer than T count once (default 10ms; e.g. 2ms, 1s)\n"
	"      --max-flows N        flows tracked at once (default 262144); the oldest idle ones are evicted\n"
	"      --flow-vlan / --no-flow-vlan  VLAN ID part of the flow key (default: no, so a flow routed between VLANs stays one flow)\n"
	"  inventory:\n"
	"      --db FILE            merge the devices seen into this SQLite inventory\n";

int app_parse_uint(const char *s, unsigned long long min, unsigned long long max,
		   unsigned long long *v)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end || x < min || x > max)
		return -1;
	*v = x;
	return 0;
}

int app_parse_duration_ns(const char *s, uint64_t *ns)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	double x = strtod(s, &end);
	if (errno || end == s || x < 0 || x > 1e6)
		return -1;
	double mul;
	if (!*end || !strcmp(end, "ms"))
		mul = 1e6;
	else if (!strcmp(end, "s"))
		mul = 1e9;
	else if (!strcmp(end, "us"))
		mul = 1e3;
	else if (!strcmp(end, "ns"))
		mul = 1;
	else
		return -1;
	*ns = (uint64_t)(x * mul);
	return 0;
}

static int parse_seconds(const char *s, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	if (errno || end == s || *end || x <= 0 || x > 1e7)
		return -1;
	*out = x;
	return 0;
}

/* Add a UDP port to a configured list, replacing the default on first use. */
static int add_port(uint16_t *ports, unsigned *n, bool *defaulted, const char *arg)
{
	unsigned long long v;
	if (app_parse_uint(arg, 1, 65535, &v))
		return -1;
	if (*defaulted) {
		*n = 0;
		*defaulted = false;
	}
	if (*n >= DECODE_MAX_PORTS)
		return -1;
	ports[(*n)++] = (uint16_t)v;
	return 0;
}

/* "900" or "900,901" or "900-902" into the RSPAN VLAN list. */
static int add_vlans(struct decode_config *d, const char *arg)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", arg);
	for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long long lo, hi;
		char *dash = strchr(tok, '-');
		if (dash) {
			*dash = 0;
			if (app_parse_uint(tok, 1, 4094, &lo) || app_parse_uint(dash + 1, 1, 4094, &hi) || hi < lo)
				return -1;
		} else {
			if (app_parse_uint(tok, 1, 4094, &lo))
				return -1;
			hi = lo;
		}
		for (unsigned long long v = lo; v <= hi; v++) {
			if (d->nrspan_vlans >= DECODE_MAX_RSPAN)
				return -1;
			d->rspan_vlans[d->nrspan_vlans++] = (uint16_t)v;
		}
	}
	return 0;
}

static void usage(FILE *f, const char *cmd, const struct app_extra *extra)
{
	fprintf(f, "usage: mirrorsense %s [OPTIONS] %s\n\noptions:\n", cmd,
		!strcmp(cmd, "read") ? "FILE... ('-' = stdin)" :
		!strcmp(cmd, "live") ? "-i IF [-i IF2 ...]" : "FILE... | -i IF...");
	if (extra && extra->usage)
		fputs(extra->usage, f);
	if (strcmp(cmd, "read"))
		fputs("  -i, --interface IF       capture on IF (repeatable)\n"
		      "      --duration S         stop after S seconds\n"
		      "      --status-interval S  status line every S seconds (default 5)\n"
		      "      --no-tunnel-sink     let the host answer tunnel packets (ICMP unreachable)\n", f);
	fputs(common_usage, f);
}

int app_opts_parse(struct app_opts *o, const char *cmd, int argc, char **argv,
		   const struct app_extra *extra)
{
	struct option all[NCOMMON + APP_MAX_EXTRA + 1];
	unsigned n = 0;
	bool vx_def = true, gen_def = true, tz_def = true;

	memset(o, 0, sizeof *o);
	pipeline_config_default(&o->pipe);
	o->status_interval_s = 5;
	o->top = 10;
	for (unsigned i = 0; i < NCOMMON; i++)
		all[n++] = common_opts[i];
	if (extra)
		for (unsigned i = 0; i < APP_MAX_EXTRA && extra->opts[i].name; i++)
			all[n++] = extra->opts[i];
	memset(&all[n], 0, sizeof all[n]);

	optind = 1;
	opterr = 0;
	int c, li = -1;
	while ((c = getopt_long(argc, argv, ":hf:i:w:", all, &li)) != -1) {
		unsigned long long v;
		uint64_t ns;
		switch (c) {
		case 'h':
			usage(stdout, cmd, extra);
			return 1;
		case 'f':
			o->bpf = optarg;
			break;
		case 'i':
			if (o->nifaces >= SOURCE_MAX_INPUTS) {
				fprintf(stderr, "mirrorsense %s: at most %d interfaces\n", cmd, SOURCE_MAX_INPUTS);
				return -1;
			}
			o->ifaces[o->nifaces++] = optarg;
			break;
		case 'w':
			o->write_path = optarg;
			break;
		case OPT_JSON: o->json = true; break;
		case OPT_PACKETS: o->packets = true; break;
		case OPT_QUIET: o->quiet = true; break;
		case OPT_NO_TUNNEL_SINK: o->no_tunnel_sink = true; break;
		case OPT_NO_DEDUP: o->pipe.dedup.enabled = false; break;
		case OPT_NO_REASSEMBLY: o->pipe.decode.reassemble_outer = false; break;
		case OPT_FLOW_VLAN: o->pipe.flow.vlan_in_key = true; break;
		case OPT_NO_FLOW_VLAN: o->pipe.flow.vlan_in_key = false; break;
		case OPT_DB: o->db_path = optarg; break;
		case OPT_DURATION:
			if (parse_seconds(optarg, &o->duration_s))
				goto bad;
			break;
		case OPT_STATUS:
			if (parse_seconds(optarg, &o->status_interval_s))
				goto bad;
			break;
		case OPT_DEDUP_WINDOW:
			if (app_parse_duration_ns(optarg, &ns) || ns == 0 || ns > 10000000000ull)
				goto bad;
			o->pipe.dedup.window_ns = ns;
			break;
		case OPT_ERSPAN_SESSION: {
			char err[128];
			if (admit_parse_sessions(&o->pipe.admit, optarg, err, sizeof err)) {
				fprintf(stderr, "mirrorsense %s: --erspan-session '%s': %s\n", cmd, optarg, err);
				return -1;
			}
			o->explicit_rules = true;
			break;
		}
		case OPT_ERSPAN_SOURCE: {
			char err[128];
			if (admit_parse_source(&o->pipe.admit, optarg, err, sizeof err)) {
				fprintf(stderr, "mirrorsense %s: --erspan-source '%s': %s\n", cmd, optarg, err);
				return -1;
			}
			o->explicit_rules = true;
			break;
		}
		case OPT_RSPAN_VLAN:
			if (add_vlans(&o->pipe.decode, optarg))
				goto bad;
			break;
		case OPT_VXLAN_PORT:
			if (add_port(o->pipe.decode.vxlan_ports, &o->pipe.decode.nvxlan_ports, &vx_def, optarg))
				goto bad;
			break;
		case OPT_GENEVE_PORT:
			if (add_port(o->pipe.decode.geneve_ports, &o->pipe.decode.ngeneve_ports, &gen_def, optarg))
				goto bad;
			break;
		case OPT_TZSP_PORT:
			if (add_port(o->pipe.decode.tzsp_ports, &o->pipe.decode.ntzsp_ports, &tz_def, optarg))
				goto bad;
			break;
		case OPT_MAX_FLOWS:
			if (app_parse_uint(optarg, 16, 1u << 26, &v))
				goto bad;
			o->pipe.flow.max_flows = (unsigned)v;
			break;
		case OPT_TOP:
			if (app_parse_uint(optarg, 0, 10000, &v))
				goto bad;
			o->top = (unsigned)v;
			break;
		case ':':
			fprintf(stderr, "mirrorsense %s: option '%s' needs a value\n", cmd, argv[optind - 1]);
			usage(stderr, cmd, extra);
			return -1;
		case '?':
			fprintf(stderr, "mirrorsense %s: unknown option '%s'\n", cmd, argv[optind - 1]);
			usage(stderr, cmd, extra);
			return -1;
		default:
			if (extra && extra->handle && c >= 1000) {
				if (extra->handle(extra->ctx, c, optarg))
					return -1;
				break;
			}
			goto bad;
		}
		li = -1;
		continue;
bad:
		if (li >= 0)
			fprintf(stderr, "mirrorsense %s: bad value '%s' for --%s\n", cmd,
				optarg ? optarg : "", all[li].name);
		else
			fprintf(stderr, "mirrorsense %s: bad value '%s' for -%c\n", cmd,
				optarg ? optarg : "", c);
		return -1;
	}
	for (int i = optind; i < argc; i++) {
		if (o->nfiles >= SOURCE_MAX_INPUTS) {
			fprintf(stderr, "mirrorsense %s: at most %d input files\n", cmd, SOURCE_MAX_INPUTS);
			return -1;
		}
		o->files[o->nfiles++] = argv[i];
	}
	return 0;
}

int app_live_option(struct live_opts *lo, const char *cmd, int val, const char *arg)
{
	unsigned long long v;

	switch (val) {
	case APP_OPT_RING_MB:
		if (app_parse_uint(arg, 1, 4096, &v)) {
			fprintf(stderr, "mirrorsense %s: --ring-mb wants 1..4096, not '%s'\n", cmd, arg);
			return -1;
		}
		lo->ring_mb = (uint32_t)v;
		return 0;
	case APP_OPT_BLOCK_TIMEOUT:
		if (app_parse_uint(arg, 1, 1000, &v)) {
			fprintf(stderr, "mirrorsense %s: --block-timeout wants 1..1000 ms, not '%s'\n",
				cmd, arg);
			return -1;
		}
		lo->block_timeout_ms = (uint32_t)v;
		return 0;
	case APP_OPT_DIRECTION:
		if (!strcmp(arg, "both"))
			lo->dir = AFP_DIR_BOTH;
		else if (!strcmp(arg, "rx") || !strcmp(arg, "in"))
			lo->dir = AFP_DIR_RX;
		else if (!strcmp(arg, "tx") || !strcmp(arg, "out"))
			lo->dir = AFP_DIR_TX;
		else {
			fprintf(stderr, "mirrorsense %s: --direction is rx, tx or both, not '%s'\n", cmd, arg);
			return -1;
		}
		return 0;
	case APP_OPT_NO_PROMISC:
		lo->promisc = false;
		return 0;
	case APP_OPT_IGNORE_OUTGOING:
		lo->ignore_outgoing = true;
		return 0;
	default:
		return -1;
	}
}

int app_live_check(const struct live_opts *lo, const char *cmd)
{
	if (lo->dir == AFP_DIR_TX && lo->ignore_outgoing) {
		fprintf(stderr, "mirrorsense %s: --direction tx and --ignore-outgoing exclude each other\n",
			cmd);
		return -1;
	}
	return 0;
}

int app_check_stdout_pcap(const struct app_opts *o, const char *cmd)
{
	if (!o->write_path || strcmp(o->write_path, "-") || (o->quiet && !o->packets))
		return 0;
	fprintf(stderr, "mirrorsense %s: -w - writes pcap to standard output; add --quiet\n", cmd);
	return -1;
}
