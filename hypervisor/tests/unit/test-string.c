// SPDX-License-Identifier: GPL-2.0-only
/*
 * lib/string.c: parse_ulong() (the number parser under the command line)
 * and the freestanding string functions, called through their ward_
 * names so that libc's stay out of the way (see host-lib.h).
 */
// sources: tests/unit/host-lib.c
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "host-lib.h"

#define UNTOUCHED	0x5a5a5a5aUL

static const struct {
	const char *s;
	bool ok;
	unsigned long v;
	size_t end;		/* offset *end must point at (when ok or no digits) */
} parse_rows[] = {
	{ "0", true, 0, 1 },
	{ "7", true, 7, 1 },
	{ "42", true, 42, 2 },
	{ "42abc", true, 42, 2 },
	{ "1 2", true, 1, 1 },
	{ "0x1f", true, 31, 4 },
	{ "0X1F", true, 31, 4 },
	{ "0xdeadBEEF", true, 0xdeadbeef, 10 },
	{ "0x1g", true, 1, 3 },
	{ "0x", true, 0, 1 },		/* "0", then an 'x' that is not ours */
	{ "0xg", true, 0, 1 },
	{ "010", true, 8, 3 },		/* leading 0: octal */
	{ "0777", true, 511, 4 },
	{ "08", true, 0, 1 },		/* '8' is not an octal digit */
	{ "0a", true, 0, 1 },
	{ "18446744073709551615", true, ULONG_MAX, 20 },
	{ "0xffffffffffffffff", true, ULONG_MAX, 18 },
	{ "0x0000000000000000000001", true, 1, 24 },	/* long, not large */
	{ "01777777777777777777777", true, ULONG_MAX, 23 },
	{ "18446744073709551616", false, 0, 0 },	/* ULONG_MAX + 1 */
	{ "99999999999999999999999", false, 0, 0 },
	{ "0x10000000000000000", false, 0, 0 },
	{ "02000000000000000000000", false, 0, 0 },
	{ "", false, 0, 0 },
	{ "abc", false, 0, 0 },
	{ "x1", false, 0, 0 },
	{ "-1", false, 0, 0 },
	{ "+1", false, 0, 0 },
	{ " 1", false, 0, 0 },
};

static void test_parse_ulong_table(void **state)
{
	unsigned int bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(parse_rows); i++) {
		const char *s = parse_rows[i].s, *end = NULL;
		unsigned long v = UNTOUCHED;
		bool ok = parse_ulong(s, &end, &v);
		bool overflow = !parse_rows[i].ok && *s >= '0' && *s <= '9';

		if (ok != parse_rows[i].ok ||
		    v != (ok ? parse_rows[i].v : UNTOUCHED) ||
		    (!overflow && end != s + parse_rows[i].end)) {
			print_error("parse_ulong(\"%s\"): %s %#lx end +%td, want %s %#lx end +%zu\n",
				    s, ok ? "ok" : "fail", v, end ? end - s : -1,
				    parse_rows[i].ok ? "ok" : "fail", parse_rows[i].v,
				    parse_rows[i].end);
			bad++;
		}
	}
	if (bad)
		fail_msg("%u parse_ulong row(s) wrong (listed above)", bad);
}

static void test_parse_ulong_end_is_optional(void **state)
{
	unsigned long v = 0;

	assert_true(parse_ulong("123", NULL, &v));
	assert_int_equal(v, 123);
	assert_false(parse_ulong("z", NULL, &v));
	assert_int_equal(v, 123);
}

static void test_strlcpy(void **state)
{
	char buf[8];

	memset(buf, 'X', sizeof(buf));
	assert_int_equal(strlcpy(buf, "abc", sizeof(buf)), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(strlcpy(buf, "abcdefghij", sizeof(buf)), 10);
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(strlcpy(buf, "1234567", sizeof(buf)), 7);	/* exact fit */
	assert_string_equal(buf, "1234567");
	buf[0] = 'X';
	assert_int_equal(strlcpy(buf, "abc", 1), 3);
	assert_int_equal(buf[0], '\0');
	buf[0] = 'X';
	assert_int_equal(strlcpy(buf, "abc", 0), 3);	/* size 0: no write */
	assert_int_equal(buf[0], 'X');
}

static void test_memmove_overlap(void **state)
{
	char up[] = "0123456789", down[] = "0123456789";

	ward_memmove(up + 2, up, 6);
	assert_string_equal(up, "0101234589");
	ward_memmove(down, down + 2, 6);
	assert_string_equal(down, "2345676789");
	ward_memmove(up, up, 10);
	assert_string_equal(up, "0101234589");
}

static void test_mem_functions(void **state)
{
	unsigned char a[16], b[16];

	assert_ptr_equal(ward_memset(a, 0x1ab, sizeof(a)), a);	/* c is cut to a byte */
	for (size_t i = 0; i < sizeof(a); i++)
		assert_int_equal(a[i], 0xab);
	assert_ptr_equal(ward_memcpy(b, a, sizeof(b)), b);
	assert_int_equal(ward_memcmp(a, b, sizeof(a)), 0);
	b[5] = 0xff;
	assert_true(ward_memcmp(a, b, sizeof(a)) < 0);	/* compared unsigned */
	assert_true(ward_memcmp(b, a, sizeof(a)) > 0);
	assert_int_equal(ward_memcmp(a, b, 5), 0);
	assert_int_equal(ward_memcmp(a, b, 0), 0);
}

/*
 * The word-at-a-time paths: every length up to a few loop turns, every
 * alignment of both ends, and (memmove) every overlap both ways, against
 * a byte-by-byte model; bytes outside the range must stay untouched.
 */
#define SPAN	(3 * 64 + 24)
#define ARENA	(SPAN + 64)

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + 1);
}

static void test_mem_word_paths(void **state)
{
	unsigned char got[ARENA], want[ARENA], src[ARENA];

	for (size_t n = 0; n <= SPAN; n++)
		for (size_t da = 0; da < 16; da++) {
			fill(got, ARENA, 1);
			memcpy(want, got, ARENA);
			memset(want + da, 0xc3, n);
			assert_ptr_equal(ward_memset(got + da, 0xc3, n), got + da);
			assert_memory_equal(got, want, ARENA);
			for (size_t sa = 0; sa < 16; sa += 3) {
				fill(src, ARENA, 2);
				fill(got, ARENA, 3);
				memcpy(want, got, ARENA);
				memcpy(want + da, src + sa, n);
				assert_ptr_equal(ward_memcpy(got + da, src + sa, n), got + da);
				assert_memory_equal(got, want, ARENA);
			}
		}
	for (size_t n = 0; n <= SPAN; n += 5)
		for (size_t from = 0; from < 40; from++)
			for (size_t to = 0; to < 40; to++) {
				fill(got, ARENA, 4);
				memcpy(want, got, ARENA);
				memmove(want + to, want + from, n);
				assert_ptr_equal(ward_memmove(got + to, got + from, n), got + to);
				assert_memory_equal(got, want, ARENA);
			}
}

static void test_str_functions(void **state)
{
	const char *s = "hello";

	assert_int_equal(ward_strlen(""), 0);
	assert_int_equal(ward_strlen(s), 5);
	assert_int_equal(ward_strnlen(s, 3), 3);
	assert_int_equal(ward_strnlen(s, 99), 5);
	assert_int_equal(ward_strnlen(s, 0), 0);

	assert_int_equal(ward_strcmp("abc", "abc"), 0);
	assert_true(ward_strcmp("abc", "abd") < 0);
	assert_true(ward_strcmp("abc", "ab") > 0);
	assert_true(ward_strcmp("a", "\xff") < 0);	/* compared unsigned */
	assert_int_equal(ward_strncmp("abcX", "abcY", 3), 0);
	assert_true(ward_strncmp("abcX", "abcY", 4) < 0);
	assert_int_equal(ward_strncmp("ab", "ab", 10), 0);	/* stops at the NUL */
	assert_int_equal(ward_strncmp("x", "y", 0), 0);

	assert_ptr_equal(ward_strchr(s, 'l'), s + 2);
	assert_ptr_equal(ward_strchr(s, 'z'), NULL);
	assert_ptr_equal(ward_strchr(s, '\0'), s + 5);	/* the NUL counts */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_ulong_table),
		cmocka_unit_test(test_parse_ulong_end_is_optional),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_memmove_overlap),
		cmocka_unit_test(test_mem_functions),
		cmocka_unit_test(test_mem_word_paths),
		cmocka_unit_test(test_str_functions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
