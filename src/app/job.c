/* job.c - the shared frame of read, live and verify (see job.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/commands.h"
#include "app/job.h"
#include "assets/assets.h"
#include "decode/decode.h"

/* --packets: one line per packet, as the decoders describe it. */
static void print_packet(void *ctx, const struct packet *p, const struct mirror_session *s,
			 const struct flow *f, int dir)
{
	(void)ctx;
	(void)s;
	(void)f;
	(void)dir;
	char line[1024];
	decode_describe(p, line, sizeof line);
	printf("%s%s%s\n", line, p->duplicate ? " [duplicate]" : "",
	       p->rejected ? " [refused by tunnel rules]" : "");
}

int job_setup(struct job *j, struct app_opts *o, const char *cmd)
{
	char err[256];

	memset(j, 0, sizeof *j);
	j->o = o;
	j->cmd = cmd;
	j->pl = pipeline_new(&o->pipe, err, sizeof err);
	if (!j->pl) {
		fprintf(stderr, "mirrorsense %s: %s\n", cmd, err);
		return EXIT_SOFTWARE;
	}
	if (o->write_path) {
		j->writer = pcap_out_open(o->write_path, err, sizeof err);
		if (!j->writer) {
			fprintf(stderr, "mirrorsense %s: %s\n", cmd, err);
			return EXIT_IOERR;
		}
		pipeline_set_writer(j->pl, j->writer);
	}
	if (o->packets) {
		struct pipeline_observer ob = { .on_packet = print_packet };
		pipeline_add_observer(j->pl, &ob);
	}
	if (o->db_path) {
		j->assets = assets_open(o->db_path, err, sizeof err);
		if (!j->assets) {
			fprintf(stderr, "mirrorsense %s: --db: %s\n", cmd, err);
			return EXIT_IOERR;
		}
		struct pipeline_observer ob = assets_observer(j->assets);
		pipeline_add_observer(j->pl, &ob);
	}
	return 0;
}

int job_open_files(struct job *j)
{
	char err[SOURCE_ERRBUF];
	if (source_file_open(&j->src, j->o->files, j->o->nfiles, j->o->bpf, err) != 0) {
		fprintf(stderr, "mirrorsense %s: %s\n", j->cmd, err);
		return j->src.err_usage ? EXIT_USAGE : j->src.err_noinput ? EXIT_NOINPUT : EXIT_DATAERR;
	}
	j->src_open = true;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void save_assets(void *ctx)
{
	struct job *j = ctx;
	if (j->writer)
		pcap_out_flush(j->writer);
	if (j->assets)
		assets_save(j->assets);
}

void job_run(struct job *j)
{
	struct run_opts ro = {
		.duration_s = j->o->duration_s,
		.status_interval_s = j->src.in[0].live ? j->o->status_interval_s : 0,
		.status_out = stderr,
		.on_status = save_assets,
		.ctx = j,
	};
	double t0 = now_s();
	run_install_signals();
	j->result = run_source(j->pl, &j->src, &ro);
	pipeline_finish(j->pl);
	j->elapsed_s = now_s() - t0;
}

void job_summary_ctx(const struct job *j, struct summary_ctx *c)
{
	memset(c, 0, sizeof *c);
	c->command = j->cmd;
	c->pl = j->pl;
	c->src = &j->src;
	c->explicit_rules = j->o->explicit_rules;
	c->top = j->o->top;
	c->stopped = j->result == RUN_STOPPED;
	c->elapsed_s = j->elapsed_s;
	for (unsigned i = 0; i < j->nclaims && i < SUMMARY_MAX_NOTES; i++)
		c->claims[c->nclaims++] = j->claims[i];
	if (j->src.nerrors || j->result == RUN_ERROR)
		c->input_error = j->src.err;
	c->extra_events = j->assets ? assets_events(j->assets) : NULL;
}

int job_close(struct job *j)
{
	char err[256];
	int rc = 0;

	if (j->writer) {
		if (pcap_out_close(j->writer, err, sizeof err) != 0) {
			fprintf(stderr, "mirrorsense %s: -w %s: %s\n", j->cmd, j->o->write_path, err);
			rc = EXIT_IOERR;
		}
		j->writer = NULL;
	}
	if (!rc && j->src_open && (j->src.nerrors || j->result == RUN_ERROR)) {
		fprintf(stderr, "mirrorsense %s: %s\n", j->cmd, j->src.err);
		rc = EXIT_DATAERR;
	}
	if (j->src_open)
		source_close(&j->src);
	j->src_open = false;
	if (j->assets) {
		if (assets_save(j->assets) != 0 && !rc)
			rc = EXIT_IOERR;
		assets_close(j->assets);
		j->assets = NULL;
	}
	pipeline_free(j->pl);
	j->pl = NULL;
	return rc;
}
