/*
 * json.h - a small streaming JSON writer shared by every --json output.
 *
 * The writer keeps a stack of open objects/arrays (bounded depth) and puts
 * commas and indentation where they belong, so printers only say what to
 * write: json_key(w, "packets"); json_u64(w, n);
 */
#ifndef MS_OUTPUT_JSON_H
#define MS_OUTPUT_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
	bool after_key;             /* a key was written, value comes next */
	bool pretty;
};

void json_init(struct json *w, FILE *f, bool pretty);
void json_obj_begin(struct json *w);
void json_obj_end(struct json *w);
void json_arr_begin(struct json *w);
void json_arr_end(struct json *w);
void json_key(struct json *w, const char *key);
void json_str(struct json *w, const char *s);
void json_strn(struct json *w, const char *s, size_t n);
void json_u64(struct json *w, uint64_t v);
void json_i64(struct json *w, int64_t v);
void json_double(struct json *w, double v);
void json_bool(struct json *w, bool v);
void json_null(struct json *w);
/* Finish the document with a newline. */
void json_end(struct json *w);

/* key + value shorthands */
static inline void json_kstr(struct json *w, const char *k, const char *v) { json_key(w, k); json_str(w, v); }
static inline void json_ku64(struct json *w, const char *k, uint64_t v) { json_key(w, k); json_u64(w, v); }
static inline void json_kdouble(struct json *w, const char *k, double v) { json_key(w, k); json_double(w, v); }
static inline void json_kbool(struct json *w, const char *k, bool v) { json_key(w, k); json_bool(w, v); }

#endif
