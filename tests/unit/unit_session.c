/*
 * unit_session.c - mirror session accounting (GRE sequence gaps, wrap,
 * reordering, repeats, restarts, interleaved sessions, table bound) and
 * the admission rules with their option parsers.
 * Prints one PASS/FAIL line per case (group unit); exits 1 on a failure.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mirror/admit.h"
#include "mirror/session.h"

#include "unit.h"

static struct mirror_session fresh(void)
{
	struct mirror_session s;
	memset(&s, 0, sizeof(s));
	return s;
}

static void feed(struct mirror_session *s, const uint32_t *seq, size_t n)
{
	for (size_t i = 0; i < n; i++)
		session_seq_observe(s, seq[i]);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define COUNTS(s)                                                             \
	"lost %" PRIu64 " gaps %" PRIu64 " reord %" PRIu64 " rep %" PRIu64     \
	" restarts %" PRIu64, (s).seq_lost, (s).seq_gap_events,                \
		(s).seq_reordered, (s).seq_repeated, (s).seq_restarts

static void test_sequences(void)
{
	struct mirror_session s = fresh();
	for (uint32_t i = 1; i <= 1000; i++)
		session_seq_observe(&s, i);
	check("session_seq_in_order", s.seq_lost == 0 && s.seq_gap_events == 0 &&
	      s.seq_packets == 1000 && s.seq_reordered == 0, COUNTS(s));

	s = fresh();
	static const uint32_t gap[] = { 1, 2, 3, 8, 9, 10, 20 };
	feed(&s, gap, N(gap));
	check("session_seq_gap", s.seq_lost == 4 + 9 && s.seq_gap_events == 2,
	      COUNTS(s));

	s = fresh();
	static const uint32_t wrap[] = { 0xfffffffdu, 0xfffffffeu, 0xffffffffu, 0, 1, 2 };
	feed(&s, wrap, N(wrap));
	check("session_seq_wrap", s.seq_lost == 0 && s.seq_restarts == 0 &&
	      s.seq_reordered == 0, COUNTS(s));

	s = fresh();
	static const uint32_t wrapgap[] = { 0xfffffffeu, 2 };
	feed(&s, wrapgap, N(wrapgap));
	check("session_seq_wrap_gap", s.seq_lost == 3 && s.seq_gap_events == 1 &&
	      s.seq_restarts == 0, COUNTS(s));

	s = fresh();
	static const uint32_t reord[] = { 1, 2, 4, 3, 5, 9, 7, 6, 8, 10 };
	feed(&s, reord, N(reord));
	check("session_seq_reorder_not_loss", s.seq_lost == 0 &&
	      s.seq_reordered == 4 && s.seq_repeated == 0 && s.seq_gap_events == 0,
	      COUNTS(s));

	s = fresh();
	static const uint32_t reordwrap[] = { 0xfffffffeu, 0, 0xffffffffu, 1 };
	feed(&s, reordwrap, N(reordwrap));
	check("session_seq_reorder_across_wrap", s.seq_lost == 0 &&
	      s.seq_reordered == 1 && s.seq_restarts == 0, COUNTS(s));

	s = fresh();
	static const uint32_t partial[] = { 1, 5, 3, 6 };
	feed(&s, partial, N(partial));
	check("session_seq_partial_fill", s.seq_lost == 2 && s.seq_reordered == 1 &&
	      s.seq_gap_events == 2, COUNTS(s)); /* {2,3,4} minus 3 = {2} and {4} */

	s = fresh();
	static const uint32_t rep[] = { 1, 2, 2, 3, 4, 3, 5 };
	feed(&s, rep, N(rep));
	check("session_seq_repeat", s.seq_repeated == 2 && s.seq_lost == 0 &&
	      s.seq_reordered == 0, COUNTS(s));

	s = fresh();
	static const uint32_t fillrep[] = { 1, 3, 2, 2 };
	feed(&s, fillrep, N(fillrep));
	check("session_seq_fill_then_repeat", s.seq_lost == 0 &&
	      s.seq_reordered == 1 && s.seq_repeated == 1, COUNTS(s));

	s = fresh();
	for (uint32_t i = 100000; i < 105000; i++)
		session_seq_observe(&s, i);
	for (uint32_t i = 1; i <= 100; i++)
		session_seq_observe(&s, i);
	check("session_seq_restart", s.seq_restarts == 1 && s.seq_lost == 0 &&
	      s.seq_reordered == 0 && s.seq_packets == 5100, COUNTS(s));

	s = fresh();
	static const uint32_t before[] = { 100, 101, 99, 98 };
	feed(&s, before, N(before));
	check("session_seq_late_before_first", s.seq_lost == 0 &&
	      s.seq_reordered == 2 && s.seq_restarts == 0, COUNTS(s));

	s = fresh();
	session_seq_observe(&s, 10);
	session_seq_observe(&s, 10 + SESSION_SEQ_WINDOW + 5);
	session_seq_observe(&s, 11); /* left the window: counter restart */
	check("session_seq_big_gap_then_old", s.seq_lost == SESSION_SEQ_WINDOW + 4 &&
	      s.seq_restarts == 1, COUNTS(s));

	/* Window bitmap: a number seen long ago is forgotten cleanly. */
	s = fresh();
	for (uint32_t i = 1; i <= 3 * SESSION_SEQ_WINDOW; i++)
		if (i % 7)
			session_seq_observe(&s, i);
	uint64_t lost_before = s.seq_lost;
	session_seq_observe(&s, 3 * SESSION_SEQ_WINDOW - 6); /* %7 == 0, in window */
	check("session_seq_window_fill", lost_before == 3 * SESSION_SEQ_WINDOW / 7 &&
	      s.seq_lost == lost_before - 1 && s.seq_reordered == 1, COUNTS(s));
}

static void ip4(struct ip_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	inet_pton(AF_INET, s, a->a);
}

static void ip6(struct ip_addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	a->family = 6;
	inet_pton(AF_INET6, s, a->a);
}

static struct packet erspan(const char *src, uint32_t session, uint32_t seq,
			    uint64_t ts)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.mirror.transport = TRANSPORT_ERSPAN2;
	ip4(&p.mirror.outer_src, src);
	p.mirror.session = session;
	p.mirror.has_session = true;
	p.mirror.gre_seq = seq;
	p.mirror.has_gre_seq = true;
	p.wirelen = 100;
	p.ts_ns = ts;
	return p;
}

static void test_table(void)
{
	struct session_table *t = session_table_new(4);
	struct event_counts ec;
	memset(&ec, 0, sizeof(ec));
	session_table_set_events(t, &ec);
	/* Two sessions from one switch, interleaved, each with its own counter. */
	uint32_t a = 500, b = 90000;
	struct mirror_session *sa = NULL, *sb = NULL;
	for (int i = 0; i < 200; i++) {
		struct packet p = erspan("203.0.113.1", 1, a++, 1000 + (uint64_t)i);
		sa = session_account(t, &p);
		if (i % 3 == 0) {
			p = erspan("203.0.113.1", 2, b++, 1000 + (uint64_t)i);
			sb = session_account(t, &p);
		}
	}
	check("session_interleaved_own_counters", sa && sb && sa != sb &&
	      session_count(t) == 2 && sa->seq_lost == 0 && sb->seq_lost == 0 &&
	      sa->seq_restarts == 0 && sb->seq_restarts == 0 &&
	      sa->packets == 200 && sb->packets == 67 && sa->bytes == 20000,
	      "count %u a: " "lost %" PRIu64 " b: lost %" PRIu64, session_count(t),
	      sa ? sa->seq_lost : 99, sb ? sb->seq_lost : 99);

	/* The same session number from another source is another session. */
	struct packet p = erspan("203.0.113.2", 1, 7, 5000);
	struct mirror_session *sc = session_account(t, &p);
	check("session_same_id_other_source", sc && sc != sa && sc->index == 2 &&
	      session_count(t) == 3 && sa->seq_lost == 0, "count %u", session_count(t));

	/* A loss on session 1 only. */
	p = erspan("203.0.113.1", 1, a + 3, 6000);
	session_account(t, &p);
	check("session_loss_per_session", sa->seq_lost == 3 && sb->seq_lost == 0 &&
	      sa->last_ns == 6000 && sa->first_ns == 1000,
	      "a %" PRIu64 " b %" PRIu64, sa->seq_lost, sb->seq_lost);

	/* Counters of the mirror context. */
	p = erspan("2001:db8::1", 9, 1, 7000);
	p.mirror.transport = TRANSPORT_ERSPAN3;
	ip6(&p.mirror.outer_src, "2001:db8::1");
	p.mirror.truncated = true;
	p.mirror.dir = MIRROR_DIR_EGRESS;
	struct mirror_session *sd = session_account(t, &p);
	p.mirror.truncated = false;
	p.mirror.dir = MIRROR_DIR_INGRESS;
	p.mirror.outer_fragmented = true;
	p.mirror.gre_seq = 2;
	session_account(t, &p);
	check("session_context_counters", sd && sd->truncated == 1 &&
	      sd->dir_egress == 1 && sd->dir_ingress == 1 && sd->outer_fragmented == 1 &&
	      sd->seq_packets == 2 && sd->src.family == 6, "bad counters");

	/* Bound: a fifth session is refused and counted. */
	p = erspan("203.0.113.3", 1, 1, 8000);
	struct mirror_session *se = session_account(t, &p);
	check("session_table_bound", se == NULL && session_overflow(t) == 1 &&
	      ec.n[EV_MIRROR_SESSIONS_FULL] == 1 && session_count(t) == 4,
	      "overflow %" PRIu64, session_overflow(t));
	check("session_at_stable", session_at(t, 0) == sa && session_at(t, 1) == sb &&
	      session_at(t, 4) == NULL, "session_at mismatch");

	/* Plain frames: one session per input, no address. */
	memset(&p, 0, sizeof(p));
	p.source = 0;
	p.wirelen = 60;
	struct session_table *t2 = session_table_new(0);
	struct mirror_session *s0 = session_account(t2, &p);
	p.source = 1;
	struct mirror_session *s1 = session_account(t2, &p);
	p.source = 0;
	struct mirror_session *s2 = session_account(t2, &p);
	check("session_plain_per_input", s0 && s1 && s0 != s1 && s0 == s2 &&
	      s0->packets == 2 && !s0->has_id && s0->src.family == 0,
	      "plain sessions wrong");

	/* Restart event. */
	p = erspan("203.0.113.1", 2, 5, 9000);
	session_account(t, &p);
	check("session_restart_event", sb->seq_restarts == 1 &&
	      ec.n[EV_MIRROR_SEQ_RESTART] == 1, "restarts %" PRIu64, sb->seq_restarts);
	session_table_free(t);
	session_table_free(t2);
}

static void test_admit(void)
{
	struct admit_config c;
	char err[128] = "";
	admit_config_init(&c);
	int rc = admit_parse_sessions(&c, "1,5,7-9", err, sizeof(err));
	check("admit_parse_sessions", rc == 0 && c.nsessions == 3 &&
	      c.sessions[2] == 7 && c.sessions_hi[2] == 9, "rc %d %s", rc, err);

	struct packet p = erspan("203.0.113.1", 8, 1, 1);
	bool in8 = admit_accept(&c, &p);
	p.mirror.session = 6;
	bool in6 = admit_accept(&c, &p);
	p.mirror.session = 5;
	bool in5 = admit_accept(&c, &p);
	check("admit_session_ranges", in8 && !in6 && in5, "8:%d 6:%d 5:%d", in8, in6, in5);

	struct packet plain;
	memset(&plain, 0, sizeof(plain));
	check("admit_plain_always", admit_accept(&c, &plain), "plain refused");
	struct packet unkeyed = p;
	unkeyed.mirror.transport = TRANSPORT_ERSPAN1;
	unkeyed.mirror.has_session = false;
	check("admit_no_id_refused", !admit_accept(&c, &unkeyed), "unkeyed accepted");
	struct packet keyed = unkeyed;
	keyed.mirror.transport = TRANSPORT_GRE;
	keyed.mirror.has_gre_key = true;
	keyed.mirror.gre_key = 9;
	check("admit_gre_key", admit_accept(&c, &keyed), "gre key 9 refused");

	const char *bad[] = { "", "7-", "-3", "9-7", "abc", "1,,2", "4294967296", "1 ,2" };
	int nbad = 0;
	for (size_t i = 0; i < N(bad); i++) {
		struct admit_config c2;
		admit_config_init(&c2);
		if (admit_parse_sessions(&c2, bad[i], err, sizeof(err)) == 0 ||
		    c2.nsessions != 0)
			printf("# accepted bad session list '%s'\n", bad[i]);
		else
			nbad++;
	}
	check("admit_parse_sessions_bad", nbad == (int)N(bad), "%d of %zu refused",
	      nbad, N(bad));

	char many[600] = "";
	for (int i = 0; i < 65; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s%d",
			 i ? "," : "", i);
	struct admit_config c3;
	admit_config_init(&c3);
	rc = admit_parse_sessions(&c3, many, err, sizeof(err));
	check("admit_parse_sessions_bound", rc == -1 && c3.nsessions == 0,
	      "rc %d n %u", rc, c3.nsessions);

	struct admit_config s;
	admit_config_init(&s);
	rc = admit_parse_source(&s, "203.0.113.7,198.51.100.0/24", err, sizeof(err));
	int rc2 = admit_parse_source(&s, "2001:db8:1::/48", err, sizeof(err));
	check("admit_parse_source", rc == 0 && rc2 == 0 && s.nsources == 3 &&
	      s.source_plen[0] == 32 && s.source_plen[1] == 24 &&
	      s.source_plen[2] == 48, "rc %d/%d n %u %s", rc, rc2, s.nsources, err);
	struct packet q = erspan("203.0.113.7", 1, 1, 1);
	bool a1 = admit_accept(&s, &q);
	ip4(&q.mirror.outer_src, "203.0.113.8");
	bool a2 = admit_accept(&s, &q);
	ip4(&q.mirror.outer_src, "198.51.100.200");
	bool a3 = admit_accept(&s, &q);
	ip6(&q.mirror.outer_src, "2001:db8:1:5::1");
	bool a4 = admit_accept(&s, &q);
	ip6(&q.mirror.outer_src, "2001:db8:2::1");
	bool a5 = admit_accept(&s, &q);
	check("admit_sources", a1 && !a2 && a3 && a4 && !a5, "%d %d %d %d %d",
	      a1, a2, a3, a4, a5);

	const char *badsrc[] = { "", "203.0.113.300", "203.0.113.0/33", "2001:db8::/0",
				 "203.0.113.1/", "host", "203.0.113.1,,", "::/129" };
	nbad = 0;
	for (size_t i = 0; i < N(badsrc); i++) {
		struct admit_config c2;
		admit_config_init(&c2);
		if (admit_parse_source(&c2, badsrc[i], err, sizeof(err)) == 0 ||
		    c2.nsources != 0)
			printf("# accepted bad source '%s'\n", badsrc[i]);
		else
			nbad++;
	}
	check("admit_parse_source_bad", nbad == (int)N(badsrc), "%d of %zu refused",
	      nbad, N(badsrc));
}

int main(void)
{
	test_sequences();
	test_table();
	test_admit();
	return failures ? 1 : 0;
}
