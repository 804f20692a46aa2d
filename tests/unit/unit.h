/*
 * unit.h - the small harness of the C unit programs in tests/unit: one
 * PASS/FAIL line per case (group unit) and a failure count for the exit
 * status. Header only: each .c file in tests/unit is built as its own program.
 */
#ifndef MS_TESTS_UNIT_H
#define MS_TESTS_UNIT_H

#include <stdarg.h>
#include <stdio.h>

static int failures; /* FAIL lines printed; main() exits 1 when non-zero */

/* Print "PASS unit/NAME", or "FAIL unit/NAME: why" (printf-style) and count it. */
static void check(const char *name, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), unused));
static void check(const char *name, int ok, const char *fmt, ...)
{
	if (ok) {
		printf("PASS unit/%s\n", name);
		return;
	}
	failures++;
	printf("FAIL unit/%s: ", name);
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

#endif
