/* run.c - the capture loop (see run.h). */
#include <signal.h>
#include <string.h>
#include <time.h>

#include "app/run.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

void run_install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a blocking poll() returns EINTR and the loop sees it. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool run_stop_requested(void)
{
	return stop_signal != 0;
}

int run_stop_signal(void)
{
	return stop_signal;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void status_line(struct pipeline *pl, struct source *src, const struct run_opts *o,
			double elapsed, uint64_t *last_packets, double *last_t)
{
	const struct pipeline_stats *st = pipeline_stats(pl);
	uint64_t drops = 0;
	if (src->ops->refresh_stats)
		src->ops->refresh_stats(src);
	for (unsigned i = 0; i < src->ninputs; i++)
		drops += src->in[i].kernel_drops;
	uint64_t lost = 0;
	const struct session_table *t = pipeline_sessions(pl);
	for (unsigned i = 0; i < session_count(t); i++)
		lost += session_at(t, i)->seq_lost;
	double dt = elapsed - *last_t;
	double pps = dt > 0 ? (double)(st->packets - *last_packets) / dt : 0;
	fprintf(o->status_out,
		"[%6.1fs] packets %llu (%.0f/s)  frames %llu  duplicates %llu  sessions %u  "
		"sequence lost %llu  kernel drops %llu\n",
		elapsed, (unsigned long long)st->packets, pps, (unsigned long long)st->frames,
		(unsigned long long)st->duplicates, session_count(t), (unsigned long long)lost,
		(unsigned long long)drops);
	fflush(o->status_out);
	*last_packets = st->packets;
	*last_t = elapsed;
	if (o->on_status)
		o->on_status(o->ctx);
}

enum run_result run_source(struct pipeline *pl, struct source *src, const struct run_opts *o)
{
	double start = now_s(), next_status = o->status_interval_s;
	double last_t = 0;
	uint64_t last_packets = 0, n = 0;
	enum run_result res = RUN_EOF;

	for (;;) {
		if (stop_signal) {
			res = RUN_STOPPED;
			break;
		}
		/* The source fills the pipeline's ring slot: no copy of the struct. */
		struct packet *p = pipeline_next_packet(pl);
		enum source_status rc = source_next(src, p);
		if (rc == SOURCE_OK) {
			pipeline_packet(pl, p);
			/* Clock checks every 1024 packets keep the hot loop cheap. */
			if ((++n & 1023) != 0)
				continue;
		} else if (rc == SOURCE_TIMEOUT) {
			pipeline_drain(pl);
		} else if (rc == SOURCE_EOF) {
			break;
		} else if (rc == SOURCE_ERROR) {
			res = RUN_ERROR;
			break;
		}
		if (o->duration_s > 0 || o->status_interval_s > 0) {
			double el = now_s() - start;
			if (o->duration_s > 0 && el >= o->duration_s) {
				res = RUN_STOPPED;
				break;
			}
			if (o->status_interval_s > 0 && el >= next_status) {
				status_line(pl, src, o, el, &last_packets, &last_t);
				next_status = el + o->status_interval_s;
			}
		}
	}
	if (src->ops->refresh_stats)
		src->ops->refresh_stats(src);
	return res;
}
