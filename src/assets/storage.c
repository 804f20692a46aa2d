/*
 * storage.c - the inventory in SQLite: schema, migrations, load and merge.
 *
 * The file is opened in WAL mode so that readers (`mirrorsense inventory`,
 * sqlite3) can read while a sensor writes. PRAGMA user_version holds the
 * schema version; migrations[] brings an older file up to date, each step
 * in one transaction. Successive runs merge: a device (MAC) or
 * conversation (address pair) seen again is updated, never duplicated;
 * sets (IPs, VLANs, sources, protocols and roles, identity fields) are
 * unions; first/last seen are min/max. Packet and byte counters are kept
 * per input (column "run": capture time of the input's first packet, in
 * ns) and replaced when the same input is saved again, so periodic saves
 * in live mode and reading the same capture twice (alone or among others)
 * do not count anything twice.
 *
 * Schema (version 1):
 *   devices(mac PK, vendor, type, evidence, first_seen, last_seen)   times: ns
 *   device_counts(mac, run, packets, bytes)            PK (mac, run)
 *   device_ips(mac, ip) device_vlans(mac, vlan) device_sources(mac, source)
 *   device_protocols(mac, protocol, role)              role '' = none
 *   device_fields(mac, key, value)
 *   conversations(a, b, first_seen, last_seen)         PK (a, b), a < b
 *   conv_counts(a, b, run, packets, bytes) conv_protocols(a, b, protocol)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assets/assets_int.h"

static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE devices(mac TEXT PRIMARY KEY, vendor TEXT, type TEXT,"
	" evidence TEXT, first_seen INTEGER, last_seen INTEGER);"
	"CREATE TABLE device_counts(mac TEXT, run TEXT, packets INTEGER, bytes INTEGER,"
	" PRIMARY KEY(mac, run));"
	"CREATE TABLE device_ips(mac TEXT, ip TEXT, PRIMARY KEY(mac, ip));"
	"CREATE TABLE device_vlans(mac TEXT, vlan INTEGER, PRIMARY KEY(mac, vlan));"
	"CREATE TABLE device_sources(mac TEXT, source TEXT, PRIMARY KEY(mac, source));"
	"CREATE TABLE device_protocols(mac TEXT, protocol TEXT, role TEXT,"
	" PRIMARY KEY(mac, protocol, role));"
	"CREATE TABLE device_fields(mac TEXT, key TEXT, value TEXT,"
	" PRIMARY KEY(mac, key, value));"
	"CREATE TABLE conversations(a TEXT, b TEXT, first_seen INTEGER, last_seen INTEGER,"
	" PRIMARY KEY(a, b));"
	"CREATE TABLE conv_counts(a TEXT, b TEXT, run TEXT, packets INTEGER, bytes INTEGER,"
	" PRIMARY KEY(a, b, run));"
	"CREATE TABLE conv_protocols(a TEXT, b TEXT, protocol TEXT,"
	" PRIMARY KEY(a, b, protocol));",
};
#define NMIGRATIONS (int)(sizeof migrations / sizeof migrations[0])

static int exec(struct assets *a, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(a->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", a->db_path, msg ? msg : "sqlite error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int user_version(struct assets *a)
{
	sqlite3_stmt *st;
	int v = -1;
	if (sqlite3_prepare_v2(a->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

int assets_db_open(struct assets *a, bool read_only, char *err, size_t errlen)
{
	int flags = read_only ? SQLITE_OPEN_READONLY
			      : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(a->db_path, &a->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", a->db_path,
			 a->db ? sqlite3_errmsg(a->db) : "cannot open");
		return -1;
	}
	sqlite3_busy_timeout(a->db, 5000);
	int v = user_version(a);
	if (v < 0) {
		snprintf(err, errlen, "%s: not an SQLite inventory (%s)", a->db_path,
			 sqlite3_errmsg(a->db));
		return -1;
	}
	if (v > ASSETS_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than this mirrorsense (%d)",
			 a->db_path, v, ASSETS_SCHEMA_VERSION);
		return -1;
	}
	if (read_only) {
		if (v == 0) {
			snprintf(err, errlen, "%s: no inventory in this file", a->db_path);
			return -1;
		}
		if (v < ASSETS_SCHEMA_VERSION) {
			snprintf(err, errlen, "%s: schema version %d: run read/live --db once to migrate",
				 a->db_path, v);
			return -1;
		}
		return 0;
	}
	/* WAL: readers never block the writer. synchronous=NORMAL: in WAL
	 * mode a power cut can lose the last save, never corrupt the file. */
	if (exec(a, "PRAGMA journal_mode=WAL", err, errlen) != 0 ||
	    exec(a, "PRAGMA synchronous=NORMAL", err, errlen) != 0)
		return -1;
	for (int k = v; k < NMIGRATIONS; k++) {
		char set[64];
		snprintf(set, sizeof set, "PRAGMA user_version=%d", k + 1);
		if (exec(a, "BEGIN IMMEDIATE", err, errlen) != 0)
			return -1;
		if (exec(a, migrations[k], err, errlen) != 0 || exec(a, set, err, errlen) != 0) {
			exec(a, "ROLLBACK", err + strlen(err), errlen - strlen(err));
			return -1;
		}
		if (exec(a, "COMMIT", err, errlen) != 0)
			return -1;
	}
	return 0;
}

void assets_db_close(struct assets *a)
{
	if (a->db)
		sqlite3_close(a->db);
	a->db = NULL;
}

/* ---- load ---- */

static const char *col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t ? (const char *)t : "";
}

static struct device *dev_of(struct assets *a, const char *mac)
{
	uint8_t m[6];
	if (assets_mac_parse(mac, m) != 0)
		return NULL;
	return assets_dev_get(a, m, true);
}

/* Run fn over every row of sql. */
static int each_row(struct assets *a, const char *sql,
		    void (*fn)(struct assets *a, sqlite3_stmt *st), char *err, size_t errlen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(a->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", a->db_path, sqlite3_errmsg(a->db));
		return -1;
	}
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(a, st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "%s: %s", a->db_path, sqlite3_errmsg(a->db));
		return -1;
	}
	return 0;
}

static void row_device(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (!d)
		return;
	uint64_t f = (uint64_t)sqlite3_column_int64(st, 1);
	uint64_t l = (uint64_t)sqlite3_column_int64(st, 2);
	if (f && (!d->first_ns || f < d->first_ns))
		d->first_ns = f;
	if (l > d->last_ns)
		d->last_ns = l;
}

static void row_dev_counts(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (d) {
		d->prior_packets += (uint64_t)sqlite3_column_int64(st, 1);
		d->prior_bytes += (uint64_t)sqlite3_column_int64(st, 2);
	}
}

static void row_ip(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	struct ip_addr ip;
	if (d && assets_ip_parse(col(st, 1), &ip) == 0)
		assets_dev_add_ip(a, d, &ip);
}

static void row_vlan(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (d)
		assets_dev_add_vlan(a, d, (uint16_t)sqlite3_column_int(st, 1));
}

static void row_source(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (d)
		assets_dev_add_source(a, d, col(st, 1));
}

static unsigned role_by_name(const char *r)
{
	for (unsigned i = 1; i < ROLE__COUNT; i++)
		if (!strcmp(proto_role_name((enum proto_role)i), r))
			return i;
	return ROLE_NONE;
}

static void row_proto(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (d)
		assets_dev_add_proto(a, d, assets_name(a, col(st, 1)), role_by_name(col(st, 2)), 0);
}

static void row_field(struct assets *a, sqlite3_stmt *st)
{
	struct device *d = dev_of(a, col(st, 0));
	if (d)
		assets_dev_add_field(a, d, col(st, 1), col(st, 2));
}

static struct conv *conv_of(struct assets *a, sqlite3_stmt *st)
{
	struct conv_ep x, y;
	if (assets_ep_parse(col(st, 0), &x) != 0 || assets_ep_parse(col(st, 1), &y) != 0)
		return NULL;
	return assets_conv_get(a, &x, &y, true);
}

static void row_conv(struct assets *a, sqlite3_stmt *st)
{
	struct conv *c = conv_of(a, st);
	if (!c)
		return;
	uint64_t f = (uint64_t)sqlite3_column_int64(st, 2);
	uint64_t l = (uint64_t)sqlite3_column_int64(st, 3);
	if (f && (!c->first_ns || f < c->first_ns))
		c->first_ns = f;
	if (l > c->last_ns)
		c->last_ns = l;
}

static void row_conv_counts(struct assets *a, sqlite3_stmt *st)
{
	struct conv *c = conv_of(a, st);
	if (c) {
		c->prior_packets += (uint64_t)sqlite3_column_int64(st, 2);
		c->prior_bytes += (uint64_t)sqlite3_column_int64(st, 3);
	}
}

static void row_conv_proto(struct assets *a, sqlite3_stmt *st)
{
	struct conv *c = conv_of(a, st);
	if (c)
		assets_conv_add_proto(c, assets_name(a, col(st, 2)));
}

int assets_db_load(struct assets *a, char *err, size_t errlen)
{
	if (user_version(a) == 0)
		return 0; /* read-only open of an empty file is refused earlier */
	int rc = each_row(a, "SELECT mac, first_seen, last_seen FROM devices ORDER BY mac",
			row_device, err, errlen) ||
	       each_row(a, "SELECT mac, sum(packets), sum(bytes) FROM device_counts GROUP BY mac",
			row_dev_counts, err, errlen) ||
	       each_row(a, "SELECT mac, ip FROM device_ips ORDER BY mac, ip", row_ip, err, errlen) ||
	       each_row(a, "SELECT mac, vlan FROM device_vlans ORDER BY mac, vlan", row_vlan,
			err, errlen) ||
	       each_row(a, "SELECT mac, source FROM device_sources ORDER BY mac, source",
			row_source, err, errlen) ||
	       each_row(a, "SELECT mac, protocol, role FROM device_protocols"
			   " ORDER BY mac, protocol, role", row_proto, err, errlen) ||
	       each_row(a, "SELECT mac, key, value FROM device_fields ORDER BY mac, key, value",
			row_field, err, errlen) ||
	       each_row(a, "SELECT a, b, first_seen, last_seen FROM conversations ORDER BY a, b",
			row_conv, err, errlen) ||
	       each_row(a, "SELECT a, b, sum(packets), sum(bytes) FROM conv_counts GROUP BY a, b",
			row_conv_counts, err, errlen) ||
	       each_row(a, "SELECT a, b, protocol FROM conv_protocols ORDER BY a, b, protocol",
			row_conv_proto, err, errlen)
		       ? -1 : 0;
	/* What the file holds needs no saving back. */
	for (uint32_t i = 0; i < a->ndev; i++)
		a->dev[i].dirty = false;
	for (uint32_t i = 0; i < a->nconv; i++)
		a->conv[i].dirty = false;
	return rc;
}

/* ---- save ---- */

enum {
	S_DEV, S_DEV_COUNT, S_IP, S_VLAN, S_SOURCE, S_PROTO, S_FIELD,
	S_CONV, S_CONV_COUNT, S_CONV_PROTO, S_RUN_DEV, S_RUN_CONV, S__COUNT
};

static const char *const save_sql[S__COUNT] = {
	[S_DEV] = "INSERT INTO devices(mac, vendor, type, evidence, first_seen, last_seen)"
		  " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(mac) DO UPDATE SET"
		  " vendor = excluded.vendor, type = excluded.type, evidence = excluded.evidence,"
		  " first_seen = min(first_seen, excluded.first_seen),"
		  " last_seen = max(last_seen, excluded.last_seen)",
	[S_DEV_COUNT] = "INSERT OR REPLACE INTO device_counts VALUES(?1, ?2, ?3, ?4)",
	[S_IP] = "INSERT OR IGNORE INTO device_ips VALUES(?1, ?2)",
	[S_VLAN] = "INSERT OR IGNORE INTO device_vlans VALUES(?1, ?2)",
	[S_SOURCE] = "INSERT OR IGNORE INTO device_sources VALUES(?1, ?2)",
	[S_PROTO] = "INSERT OR IGNORE INTO device_protocols VALUES(?1, ?2, ?3)",
	[S_FIELD] = "INSERT OR IGNORE INTO device_fields VALUES(?1, ?2, ?3)",
	[S_CONV] = "INSERT INTO conversations VALUES(?1, ?2, ?3, ?4) ON CONFLICT(a, b) DO UPDATE SET"
		   " first_seen = min(first_seen, excluded.first_seen),"
		   " last_seen = max(last_seen, excluded.last_seen)",
	[S_CONV_COUNT] = "INSERT OR REPLACE INTO conv_counts VALUES(?1, ?2, ?3, ?4, ?5)",
	[S_CONV_PROTO] = "INSERT OR IGNORE INTO conv_protocols VALUES(?1, ?2, ?3)",
	[S_RUN_DEV] = "SELECT mac, packets, bytes FROM device_counts WHERE run = ?1",
	[S_RUN_CONV] = "SELECT a, b, packets, bytes FROM conv_counts WHERE run = ?1",
};

static int step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* The counters of input k that an earlier save of the same input (same
 * capture read again, or a periodic save) stored are not "prior": take
 * them out of the loaded totals once, when the input key is first used. */
static void forget_input(struct assets *a, const char *key, sqlite3_stmt *dq,
			 sqlite3_stmt *cq)
{
	bind_text(dq, 1, key);
	while (sqlite3_step(dq) == SQLITE_ROW) {
		uint8_t m[6];
		struct device *d;
		if (assets_mac_parse(col(dq, 0), m) == 0 && (d = assets_dev_get(a, m, false))) {
			d->prior_packets -= (uint64_t)sqlite3_column_int64(dq, 1);
			d->prior_bytes -= (uint64_t)sqlite3_column_int64(dq, 2);
		}
	}
	sqlite3_reset(dq);
	bind_text(cq, 1, key);
	while (sqlite3_step(cq) == SQLITE_ROW) {
		struct conv_ep x, y;
		struct conv *c;
		if (assets_ep_parse(col(cq, 0), &x) == 0 && assets_ep_parse(col(cq, 1), &y) == 0 &&
		    (c = assets_conv_get(a, &x, &y, false))) {
			c->prior_packets -= (uint64_t)sqlite3_column_int64(cq, 2);
			c->prior_bytes -= (uint64_t)sqlite3_column_int64(cq, 3);
		}
	}
	sqlite3_reset(cq);
}

static int save_device(struct assets *a, sqlite3_stmt **s, const struct device *d)
{
	char mac[18], ev[128], buf[64];
	assets_mac_format(d->mac, mac);
	enum asset_type t = assets_classify(a, d, ev, sizeof ev);
	int rc = 0;
	bind_text(s[S_DEV], 1, mac);
	bind_text(s[S_DEV], 2, assets_oui_vendor(d->mac));
	bind_text(s[S_DEV], 3, asset_type_name(t));
	bind_text(s[S_DEV], 4, ev);
	sqlite3_bind_int64(s[S_DEV], 5, (sqlite3_int64)d->first_ns);
	sqlite3_bind_int64(s[S_DEV], 6, (sqlite3_int64)d->last_ns);
	rc |= step(s[S_DEV]);
	for (unsigned k = 0; k < ASSETS_INPUTS; k++) {
		if (!a->input_key[k][0] || !d->in_packets[k])
			continue;
		bind_text(s[S_DEV_COUNT], 1, mac);
		bind_text(s[S_DEV_COUNT], 2, a->input_key[k]);
		sqlite3_bind_int64(s[S_DEV_COUNT], 3, (sqlite3_int64)d->in_packets[k]);
		sqlite3_bind_int64(s[S_DEV_COUNT], 4, (sqlite3_int64)d->in_bytes[k]);
		rc |= step(s[S_DEV_COUNT]);
	}
	for (unsigned i = 0; i < d->nips; i++) {
		assets_ip_format(&d->ips[i], buf, sizeof buf);
		bind_text(s[S_IP], 1, mac);
		bind_text(s[S_IP], 2, buf);
		rc |= step(s[S_IP]);
	}
	for (unsigned i = 0; i < d->nvlans; i++) {
		bind_text(s[S_VLAN], 1, mac);
		sqlite3_bind_int(s[S_VLAN], 2, d->vlans[i]);
		rc |= step(s[S_VLAN]);
	}
	for (unsigned i = 0; i < d->nsources; i++) {
		bind_text(s[S_SOURCE], 1, mac);
		bind_text(s[S_SOURCE], 2, d->sources[i]);
		rc |= step(s[S_SOURCE]);
	}
	for (unsigned i = 0; i < d->nprotos; i++)
		for (unsigned r = 0; r < ROLE__COUNT; r++)
			if (d->protos[i].roles & (1u << r)) {
				bind_text(s[S_PROTO], 1, mac);
				bind_text(s[S_PROTO], 2, a->names[d->protos[i].name]);
				bind_text(s[S_PROTO], 3, proto_role_name((enum proto_role)r));
				rc |= step(s[S_PROTO]);
			}
	for (unsigned i = 0; i < d->nfields; i++) {
		bind_text(s[S_FIELD], 1, mac);
		bind_text(s[S_FIELD], 2, d->fields[i].key);
		bind_text(s[S_FIELD], 3, d->fields[i].value);
		rc |= step(s[S_FIELD]);
	}
	return rc;
}

static int save_conv(struct assets *a, sqlite3_stmt **s, const struct conv *c)
{
	char x[64], y[64];
	assets_ep_format(&c->ep[0], x, sizeof x);
	assets_ep_format(&c->ep[1], y, sizeof y);
	int rc = 0;
	bind_text(s[S_CONV], 1, x);
	bind_text(s[S_CONV], 2, y);
	sqlite3_bind_int64(s[S_CONV], 3, (sqlite3_int64)c->first_ns);
	sqlite3_bind_int64(s[S_CONV], 4, (sqlite3_int64)c->last_ns);
	rc |= step(s[S_CONV]);
	for (unsigned k = 0; k < ASSETS_INPUTS; k++) {
		if (!a->input_key[k][0] || !c->in_packets[k])
			continue;
		bind_text(s[S_CONV_COUNT], 1, x);
		bind_text(s[S_CONV_COUNT], 2, y);
		bind_text(s[S_CONV_COUNT], 3, a->input_key[k]);
		sqlite3_bind_int64(s[S_CONV_COUNT], 4, (sqlite3_int64)c->in_packets[k]);
		sqlite3_bind_int64(s[S_CONV_COUNT], 5, (sqlite3_int64)c->in_bytes[k]);
		rc |= step(s[S_CONV_COUNT]);
	}
	for (unsigned i = 0; i < c->nprotos; i++) {
		bind_text(s[S_CONV_PROTO], 1, x);
		bind_text(s[S_CONV_PROTO], 2, y);
		bind_text(s[S_CONV_PROTO], 3, a->names[c->protos[i]]);
		rc |= step(s[S_CONV_PROTO]);
	}
	return rc;
}

int assets_db_save(struct assets *a)
{
	sqlite3_stmt *s[S__COUNT] = { NULL };
	char err[256] = "";
	int rc = -1;
	if (exec(a, "BEGIN IMMEDIATE", err, sizeof err) != 0)
		goto out;
	for (int i = 0; i < S__COUNT; i++)
		if (sqlite3_prepare_v2(a->db, save_sql[i], -1, &s[i], NULL) != SQLITE_OK) {
			snprintf(err, sizeof err, "%s: %s", a->db_path, sqlite3_errmsg(a->db));
			goto rollback;
		}
	for (unsigned k = 0; k < ASSETS_INPUTS; k++)
		if (a->input_key[k][0] && !a->input_forgotten[k]) {
			forget_input(a, a->input_key[k], s[S_RUN_DEV], s[S_RUN_CONV]);
			a->input_forgotten[k] = true;
		}
	/* Only what changed since the last save is written (live mode saves
	 * periodically; unchanged devices cost nothing). */
	int bad = 0;
	for (uint32_t i = 0; i < a->ndev; i++)
		if (a->dev[i].dirty)
			bad |= save_device(a, s, &a->dev[i]);
	for (uint32_t i = 0; i < a->nconv; i++)
		if (a->conv[i].dirty)
			bad |= save_conv(a, s, &a->conv[i]);
	if (bad) {
		snprintf(err, sizeof err, "%s: %s", a->db_path, sqlite3_errmsg(a->db));
		goto rollback;
	}
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(s[i]);
	memset(s, 0, sizeof s);
	if (exec(a, "COMMIT", err, sizeof err) != 0)
		goto rollback;
	for (uint32_t i = 0; i < a->ndev; i++)
		a->dev[i].dirty = false;
	for (uint32_t i = 0; i < a->nconv; i++)
		a->conv[i].dirty = false;
	return 0;
rollback:
	for (int i = 0; i < S__COUNT; i++)
		sqlite3_finalize(s[i]);
	sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
out:
	event_count(&a->ev, EV_ASSETS_DB_ERROR);
	fprintf(stderr, "mirrorsense: inventory: %s\n", err);
	(void)rc;
	return -1;
}
