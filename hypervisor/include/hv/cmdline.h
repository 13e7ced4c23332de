/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor command-line options. A file declares its options with the
 * *_param() macros; the linker gathers them into one table (section
 * .data.param) and setup.c parses the command line against it once, early.
 *
 * Syntax: space-separated "name", "name=value" or "no-name"; a value may
 * be double-quoted to hold spaces. Sizes take a K/M/G/T suffix (default
 * unit: bytes). Unknown names and bad values are reported and ignored.
 */
#pragma once
#include <hv/types.h>

enum param_type {
	PARAM_BOOL,	/* bool: "x", "x=1|yes|on|true", "x=0|no|off|false", "no-x" */
	PARAM_UINT,	/* unsigned long */
	PARAM_SIZE,	/* uint64_t bytes, with K/M/G/T suffixes */
	PARAM_STRING,	/* char[size], NUL-terminated, truncation is an error */
	PARAM_CUSTOM,	/* int fn(const char *value): 0 or -EINVAL */
};

struct param {
	const char *name;
	enum param_type type;
	void *var;
	size_t size;			/* PARAM_STRING: buffer size */
	int (*fn)(const char *value);	/* PARAM_CUSTOM */
};

#define __PARAM(n, t, v, s, f) \
	static const struct param __param_##v##_##t __used __section(".data.param") \
	__aligned(8) = { .name = n, .type = t, .var = &(v), .size = (s), .fn = (f) }

/* The parser writes a bool, an unsigned long or a uint64_t: the variable must be one. */
#define boolean_param(n, v)	__PARAM(n, PARAM_BOOL, v, sizeof(v), NULL); \
	_Static_assert(sizeof(v) == sizeof(bool), "boolean_param needs a bool")
#define uint_param(n, v)	__PARAM(n, PARAM_UINT, v, sizeof(v), NULL); \
	_Static_assert(sizeof(v) == sizeof(unsigned long), "uint_param needs an unsigned long")
#define size_param(n, v)	__PARAM(n, PARAM_SIZE, v, sizeof(v), NULL); \
	_Static_assert(sizeof(v) == sizeof(uint64_t), "size_param needs a uint64_t")
#define string_param(n, v)	__PARAM(n, PARAM_STRING, v, sizeof(v), NULL)
#define custom_param(n, f) \
	static const struct param __param_##f __used __section(".data.param") \
	__aligned(8) = { .name = n, .type = PARAM_CUSTOM, .var = NULL, .size = 0, .fn = (f) }

/*
 * Parse @cmdline against @params[0..n). @report (may be NULL) is called
 * with a one-line message for every problem. Returns the number of
 * problems (unknown options, bad values); valid options still take effect.
 */
unsigned int cmdline_parse(const char *cmdline, const struct param *params, size_t n,
			   void (*report)(const char *msg));

/* Parse a size with optional K/M/G/T suffix; false on junk or overflow. */
bool parse_size(const char *s, uint64_t *out);

/* The hypervisor's own table, from the linker script. */
extern const struct param __param_start[], __param_end[];
