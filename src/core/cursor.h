/*
 * cursor.h - bounds-checked reads of packet bytes.
 *
 * Every read of wire bytes in mirrorsense goes through a cursor: it knows
 * where the bytes start, how many were captured and how far it has read.
 * A getter either has all the bytes it needs and advances, or returns
 * false and leaves the cursor where it was ("fail closed"). Multi-byte
 * values are assembled with shifts, never by casting packet bytes to a
 * struct, so alignment and over-reads cannot happen.
 */
#ifndef MS_CORE_CURSOR_H
#define MS_CORE_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct cursor {
	const uint8_t *base; /* first byte of the range */
	size_t len;          /* captured bytes in the range */
	size_t off;          /* bytes already consumed */
};

static inline struct cursor cursor_make(const uint8_t *base, size_t len)
{
	struct cursor c = { base, len, 0 };
	return c;
}

static inline size_t cursor_left(const struct cursor *c)
{
	return c->len - c->off;
}

static inline const uint8_t *cursor_ptr(const struct cursor *c)
{
	return c->base + c->off;
}

static inline bool cursor_has(const struct cursor *c, size_t n)
{
	return cursor_left(c) >= n;
}

static inline bool cursor_skip(struct cursor *c, size_t n)
{
	if (!cursor_has(c, n))
		return false;
	c->off += n;
	return true;
}

static inline bool cursor_u8(struct cursor *c, uint8_t *v)
{
	if (!cursor_has(c, 1)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	*v = c->base[c->off++];
	return true;
}

static inline bool cursor_be16(struct cursor *c, uint16_t *v)
{
	if (!cursor_has(c, 2)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	const uint8_t *p = c->base + c->off;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	c->off += 2;
	return true;
}

static inline bool cursor_be24(struct cursor *c, uint32_t *v)
{
	if (!cursor_has(c, 3)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	const uint8_t *p = c->base + c->off;
	*v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
	c->off += 3;
	return true;
}

static inline bool cursor_be32(struct cursor *c, uint32_t *v)
{
	if (!cursor_has(c, 4)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	const uint8_t *p = c->base + c->off;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	     ((uint32_t)p[2] << 8) | p[3];
	c->off += 4;
	return true;
}

static inline bool cursor_le16(struct cursor *c, uint16_t *v)
{
	if (!cursor_has(c, 2)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	const uint8_t *p = c->base + c->off;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	c->off += 2;
	return true;
}

static inline bool cursor_le32(struct cursor *c, uint32_t *v)
{
	if (!cursor_has(c, 4)) {
		*v = 0; /* defined even on failure: no maybe-uninitialized reads */
		return false;
	}
	const uint8_t *p = c->base + c->off;
	*v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	     ((uint32_t)p[3] << 24);
	c->off += 4;
	return true;
}

/* Copy n bytes out; false (and nothing copied) if fewer are left. */
static inline bool cursor_copy(struct cursor *c, void *dst, size_t n)
{
	if (!cursor_has(c, n))
		return false;
	if (n)
		memcpy(dst, c->base + c->off, n);
	c->off += n;
	return true;
}

/* Read helpers for fixed offsets in a range already known to be long enough. */
static inline uint16_t rd_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t rd_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

#endif
