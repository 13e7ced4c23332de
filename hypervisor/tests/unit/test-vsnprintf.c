// SPDX-License-Identifier: GPL-2.0-only
/*
 * lib/vsnprintf.c against the host C library. Where Ward means to behave
 * like C99, same() checks the output and the return value against the
 * host's vsnprintf and then checks truncation at every buffer size that
 * matters. Where Ward deliberately differs (%p, unknown conversions) the
 * expected text is spelled out.
 */
// sources: tests/unit/host-lib.c
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "host-lib.h"

#define CANARY	0x7e
#define OUT_MAX	512

/* Mismatches seen by same()/expect() in the running test; each is printed. */
static unsigned int mismatches;

/*
 * Format with Ward into a @size-byte window of a canary-filled buffer and
 * check the C99 contract against @want (the full output, @want_len bytes,
 * which may contain a NUL from %c): the return value is the full length,
 * the stored part is the longest prefix that fits with a NUL after it,
 * and nothing past the window is written.
 */
static bool check_size(const char *fmt, va_list ap, size_t size, const char *want,
		       int want_len)
{
	char buf[OUT_MAX + 16];
	size_t stored = 0;
	bool ok;
	int n;

	memset(buf, CANARY, sizeof(buf));
	n = ward_vsnprintf(buf, size, fmt, ap);
	ok = n == want_len;
	if (size) {
		stored = (size_t)want_len < size - 1 ? (size_t)want_len : size - 1;
		ok = ok && !memcmp(buf, want, stored) && buf[stored] == '\0';
	}
	for (size_t i = size; i < sizeof(buf); i++)
		ok = ok && buf[i] == (char)CANARY;
	if (!ok) {
		print_error("\"%s\" into %zu bytes: got \"%.*s\" (returned %d), want \"%.*s\" (%d)\n",
			    fmt, size, (int)strnlen(buf, size), buf, n, (int)stored, want,
			    want_len);
		mismatches++;
	}
	return ok;
}

/* Check one format at the sizes that matter; report only its first failure. */
static void check_all_sizes(const char *fmt, va_list ap, const char *want, int want_len)
{
	size_t sizes[] = { OUT_MAX, 0, 1, 2, (size_t)want_len / 2, (size_t)want_len,
			   (size_t)want_len + 1 };
	bool ok = true;

	for (size_t i = 0; ok && i < ARRAY_SIZE(sizes); i++) {
		va_list aq;

		va_copy(aq, ap);
		ok = check_size(fmt, aq, sizes[i], want, want_len);
		va_end(aq);
	}
}

/* Ward must print exactly what the host's C library prints. */
static __printf(1, 2) void same(const char *fmt, ...)
{
	char want[OUT_MAX];
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	assert_in_range(n, 0, OUT_MAX - 1);
	check_all_sizes(fmt, ap, want, n);
	va_end(ap);
}

/* Ward must print @want, where it deliberately differs from C99/glibc. */
static __printf(2, 3) void expect(const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_all_sizes(fmt, ap, want, (int)strlen(want));
	va_end(ap);
}

static int reset(void **state)
{
	mismatches = 0;
	return 0;
}

#define assert_no_mismatch() do { \
	if (mismatches) \
		fail_msg("%u format(s) printed wrongly (listed above)", mismatches); \
} while (0)

static void test_plain_text(void **state)
{
	same("%s", "");
	same("hello, world");
	same("%%");
	same("100%% done, %%%%");
	same("tab\there\n");
	assert_no_mismatch();
}

static void test_signed_decimal(void **state)
{
	static const int v[] = { 0, 1, -1, 7, -42, 1000000, INT_MAX, INT_MIN };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		same("%d", v[i]);
		same("%i", v[i]);
		same("[%d|%i]", v[i], v[i] / 3);
	}
	assert_no_mismatch();
}

static void test_unsigned_hex_octal(void **state)
{
	static const unsigned int v[] = { 0, 1, 7, 8, 10, 15, 16, 0755, 0xdeadbeef, UINT_MAX };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		same("%u", v[i]);
		same("%x", v[i]);
		same("%X", v[i]);
		same("%o", v[i]);
	}
	same("%x-%X-%o-%u", 0xabcu, 0xabcu, 0xabcu, 0xabcu);
	assert_no_mismatch();
}

/*
 * Every combination of @flags with a few widths and precisions, built at
 * run time: the compiler rightly warns about redundant combinations such
 * as "%-06d" in literals, but vsnprintf must still get them right.
 */
static void grid(const char *flags, const char *convs, bool is_signed,
		 bool (*ignore)(const char *fmt, char conv, unsigned int v))
{
	static const char *const width[] = { "", "1", "6", "12" };
	static const char *const prec[] = { "", ".", ".0", ".3", ".8" };
	static const int sv[] = { 0, 5, -5, 123, -123, INT_MAX, INT_MIN };
	static const unsigned int uv[] = { 0, 1, 8, 0xab, 0x1234, UINT_MAX };
	size_t nflags = strlen(flags);

	for (unsigned int mask = 0; mask < 1U << nflags; mask++)
		for (size_t w = 0; w < ARRAY_SIZE(width); w++)
			for (size_t p = 0; p < ARRAY_SIZE(prec); p++)
				for (const char *c = convs; *c; c++) {
					char fmt[32], f[8];
					size_t n = 0;

					for (size_t i = 0; i < nflags; i++)
						if (mask & (1U << i))
							f[n++] = flags[i];
					f[n] = '\0';
					snprintf(fmt, sizeof(fmt), "[%%%s%s%s%c]", f, width[w],
						 prec[p], *c);
					if (is_signed) {
						for (size_t i = 0; i < ARRAY_SIZE(sv); i++)
							same(fmt, sv[i]);
						continue;
					}
					for (size_t i = 0; i < ARRAY_SIZE(uv); i++)
						if (!ignore || !ignore(fmt, *c, uv[i]))
							same(fmt, uv[i]);
				}
}

static void test_flags_signed(void **state)
{
	/* '#' is undefined for %d in C99, so it is left out. */
	grid("-0+ ", "di", true, NULL);
	assert_no_mismatch();
}

/* '#' with %u is undefined in C99, so it is left out. */
static bool skip_alt_decimal(const char *fmt, char conv, unsigned int v)
{
	return conv == 'u' && strchr(fmt, '#');
}

static void test_flags_unsigned(void **state)
{
	grid("-0+ #", "uxXo", false, skip_alt_decimal);
	assert_no_mismatch();
}

static void test_flags_examples(void **state)
{
	same("[%-6d]", -5);
	same("[%06d]", -5);
	same("[%+d] [%+d] [% d] [% d]", 5, -5, 5, -5);
	same("[%#x] [%#X] [%#o] [%#x] [%#o]", 0xabu, 0xabu, 8u, 0u, 0u);
	same("[%#010x]", 0xabu);
	same("[%#-10x]", 0xabu);
	same("[%+06d]", 42);
	assert_no_mismatch();
}

static void test_width_and_precision(void **state)
{
	static const int sv[] = { 0, 1, -1, 42, -42, 123456, INT_MIN };

	for (size_t i = 0; i < ARRAY_SIZE(sv); i++) {
		same("[%1d]", sv[i]);	/* width smaller than the number */
		same("[%12d]", sv[i]);
		same("[%.0d]", sv[i]);	/* zero with precision 0: no digits */
		same("[%5.0d]", sv[i]);
		same("[%+.0d]", sv[i]);
		same("[%.5d]", sv[i]);
		same("[%8.3d]", sv[i]);
		same("[%-8.3d]", sv[i]);
		same("[%.d]", sv[i]);	/* "." alone is precision 0 */
	}
	same("[%.10x]", 0xbeefu);
	same("[%#.10x]", 0xbeefu);
	same("[%12.10x]", 0xbeefu);
	same("[%.0x]", 0u);
	same("[%.0u]", 0u);
	same("[%.3o]", 8u);
	same("[%100d]", 1);
	same("[%20s]", "right");
	same("[%-20s]", "left");
	same("[%.3s]", "abcdef");
	same("[%10.3s]", "abcdef");
	same("[%-10.3s]", "abcdef");
	same("[%.0s]", "abc");
	same("[%.10s]", "abc");
	same("[%3s]", "abcdef");
	assert_no_mismatch();
}

static void test_star_width_and_precision(void **state)
{
	const char *zero_star = "[%0*.*d]";	/* not a literal: -Wformat frowns */

	same("[%*d]", 6, 42);
	same("[%*d]", -6, 42);		/* negative width: left-justify */
	same("[%-*d]", 6, 42);
	same("[%0*d]", 6, -42);
	same("[%0*d]", -6, -42);	/* '-' from the sign beats '0' */
	same("[%.*d]", 4, 7);
	same("[%.*d]", 0, 0);
	same("[%.*d]", -1, 7);		/* negative precision: as if none, */
	same(zero_star, 5, -1, 7);	/* so '0' pads again */
	same(zero_star, 5, 2, 7);
	same("[%*.*d]", 8, 4, -3);
	same("[%*.*x]", -8, 3, 0xau);
	same("[%.*s]", 2, "abc");
	same("[%*s]", 5, "ab");
	same("[%*s|%*s]", 3, "a", -3, "b");
	assert_no_mismatch();
}

static void test_length_modifiers(void **state)
{
	same("%hhd %hhd %hhd", 127, 200, -129);		/* wraps to signed char */
	same("%hhu %hhx %hho", 300, 0x1ff, 0777);
	same("%hd %hd", 40000, -32768);
	same("%hu %hx", 70000, 0x12345);
	same("%ld %ld %ld", 0L, LONG_MAX, LONG_MIN);
	same("%li", -1234567890123L);
	same("%lu %lx %lo %lX", ULONG_MAX, ULONG_MAX, ULONG_MAX, 0xfedcba9876543210UL);
	same("%lld %lld", LLONG_MAX, LLONG_MIN);
	same("%llu %llx %llo", ULLONG_MAX, 0x123456789abcdefULL, ULLONG_MAX);
	same("%zu %zx", SIZE_MAX, (size_t)0xfffff);
	same("%zd %zd", (ssize_t)-1, (ssize_t)SSIZE_MAX);
	same("%jd %ju", INTMAX_MIN, UINTMAX_MAX);
	same("%td", (ptrdiff_t)-99999);
	same("[%-+22lld]", LLONG_MIN + 1);
	same("[%#024llo]", ULLONG_MAX);
	same("[%#20lx]", 0xffff830000000000UL);
	/* Mixed lengths in one format: the va_list must stay in step. */
	same("%hhd %lld %hd %zu %d", 1, 2LL, 3, (size_t)4, 5);
	assert_no_mismatch();
}

static void test_chars_and_strings(void **state)
{
	same("%c", 'A');
	same("[%5c]", 'x');
	same("[%-5c]", 'x');
	same("%c%c%c", 'a', 'b', 'c');
	same("%c", 0);			/* a NUL still counts as one character */
	same("[%3c]", 0);
	same("[%-3c]", 0);
	same("%s", "string");
	same("%s=%s;", "key", "value");
	same("[%s]", "");
	same("[%5s]", "");
	assert_no_mismatch();
}

/* C99 leaves %s with NULL undefined; Ward prints "(null)" like glibc. */
static void test_null_string(void **state)
{
	const char *volatile null = NULL;

	expect("(null)", "%s", null);
	expect("[    (null)]", "[%10s]", null);
	expect("[(null)    ]", "[%-10s]", null);
	expect("[(nu]", "[%.3s]", null);	/* glibc prints "" here */
	assert_no_mismatch();
}

/* Deliberately not glibc: always 16 zero-padded hex digits, no "0x". */
static void test_pointer_is_16_hex_digits(void **state)
{
	expect("0000000000000000", "%p", NULL);
	expect("0000000000001234", "%p", (void *)0x1234);
	expect("ffff830000001000", "%p", (void *)0xffff830000001000UL);
	expect("ffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	expect("[00000000deadbeef|000000000000000a]", "[%p|%p]", (void *)0xdeadbeef,
	       (void *)0xa);
	expect("at 00000000000000ff: 7", "at %p: %d", (void *)0xff, 7);
	assert_no_mismatch();
}

/*
 * Unknown conversions are printed verbatim, flags and all, so the mistake
 * shows up, and consume no argument (the 5 goes to a later %d).
 */
static void test_unknown_conversion_is_printed(void **state)
{
	static const struct {
		const char *fmt, *want;
	} rows[] = {
		{ "%y", "%y" },
		{ "a%5yb", "a%5yb" },
		{ "%-08.3qz", "%-08.3qz" },
		{ "%y %d", "%y 5" },
		{ "tail %", "tail %" },
		{ "tail %l", "tail %l" },
		{ "%hh", "%hh" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		expect(rows[i].want, rows[i].fmt, 5);
	assert_no_mismatch();
}

static void test_truncation(void **state)
{
	char buf[16];

	/* size 0: nothing written, not even through a NULL buffer. */
	assert_int_equal(ward_snprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ward_snprintf(buf, 0, "xyz"), 3);
	assert_int_equal(buf[0], CANARY);

	/* size 1: only the terminator. */
	memset(buf, CANARY, sizeof(buf));
	assert_int_equal(ward_snprintf(buf, 1, "xyz"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], CANARY);

	/* Exact length: the last character gives way to the NUL. */
	assert_int_equal(ward_snprintf(buf, 4, "abcd"), 4);
	assert_string_equal(buf, "abc");
	assert_int_equal(ward_snprintf(buf, 5, "abcd"), 4);
	assert_string_equal(buf, "abcd");

	/* Cut in the middle of a number, its padding and its prefix. */
	assert_int_equal(ward_snprintf(buf, 4, "%d", 123456), 6);
	assert_string_equal(buf, "123");
	assert_int_equal(ward_snprintf(buf, 4, "%8d", 1), 8);
	assert_string_equal(buf, "   ");
	assert_int_equal(ward_snprintf(buf, 2, "%#x", 0xffu), 4);
	assert_string_equal(buf, "0");

	/* The return value is the full length even far beyond the buffer. */
	assert_int_equal(ward_snprintf(buf, sizeof(buf), "%300d", 1), 300);
	assert_int_equal(strlen(buf), sizeof(buf) - 1);

	/* Row-by-row truncation is also checked by every same() above. */
	same("%s and %s", "some text", "more text");
	assert_no_mismatch();
}

/*
 * Regression: C99 7.19.6.1 gives '+' and ' ' to signed conversions only;
 * Ward used to put a sign in front of %u/%x/%X/%o too.
 */
static void test_c99_unsigned_has_no_sign(void **state)
{
	static const char *const fmt[] = { "%+u", "% u", "%+x", "% X", "%+o", "%+05u" };

	for (size_t i = 0; i < ARRAY_SIZE(fmt); i++)
		same(fmt[i], 5u);
	assert_no_mismatch();
}

/*
 * Regression: '#' with %o raises the precision only if that is needed to
 * make the first digit a zero, and %#x prefixes "0x" to a non-zero result
 * only (C99 7.19.6.1). Ward used to print "0010" for "%#.3o" and "0x" for
 * "%#.0x" with 0.
 */
static void test_c99_alt_form_with_precision(void **state)
{
	static const struct {
		const char *fmt;
		unsigned int v;
	} rows[] = {
		{ "%#.3o", 8 },		/* "010", not "0010" */
		{ "%#.5o", 0777 },
		{ "%#8.4o", 1 },
		{ "%#.0x", 0 },		/* "", not "0x" */
		{ "[%#5.0x]", 0 },
		{ "%#.0X", 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++)
		same(rows[i].fmt, rows[i].v);
	assert_no_mismatch();
}

/* Read all of @fd into @buf (NUL-terminated, truncated to @size - 1). */
static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	char sink[256];
	ssize_t n;

	for (;;) {
		if (len + 1 < size)
			n = read(fd, buf + len, size - 1 - len);
		else
			n = read(fd, sink, sizeof(sink));
		if (n <= 0)
			break;
		if (len + 1 < size)
			len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
}

/*
 * Regression: "%#.0o" with 0 has no digits, and put_num() used to look at
 * tmp[-1] to decide on the '0' prefix. Run it in a child so that a
 * sanitizer abort fails this test only, and show the sanitizer's one-line
 * summary rather than its whole report.
 */
static void test_alt_octal_zero_precision_zero(void **state)
{
	const char *fmt = "%#.0o";	/* C99: a single "0" */
	char out[16], err[8192];
	int out_fd[2], err_fd[2], status;
	const char *summary;
	pid_t pid;

	assert_int_equal(pipe(out_fd), 0);
	assert_int_equal(pipe(err_fd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[16];
		int n;

		dup2(err_fd[1], STDERR_FILENO);
		n = ward_snprintf(buf, sizeof(buf), fmt, 0u);
		if (write(out_fd[1], buf, strlen(buf)) < 0)
			_exit(3);
		_exit(n == 1 ? 0 : 2);
	}
	close(out_fd[1]);
	close(err_fd[1]);
	read_all(out_fd[0], out, sizeof(out));
	read_all(err_fd[0], err, sizeof(err));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		summary = strstr(err, "SUMMARY:");
		if (!summary)
			summary = err;
		fail_msg("\"%s\" with 0: the child died (status %#x): %.*s", fmt, status,
			 (int)strcspn(summary, "\n"), summary);
	}
	assert_string_equal(out, "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_plain_text, reset),
		cmocka_unit_test_setup(test_signed_decimal, reset),
		cmocka_unit_test_setup(test_unsigned_hex_octal, reset),
		cmocka_unit_test_setup(test_flags_examples, reset),
		cmocka_unit_test_setup(test_flags_signed, reset),
		cmocka_unit_test_setup(test_flags_unsigned, reset),
		cmocka_unit_test_setup(test_width_and_precision, reset),
		cmocka_unit_test_setup(test_star_width_and_precision, reset),
		cmocka_unit_test_setup(test_length_modifiers, reset),
		cmocka_unit_test_setup(test_chars_and_strings, reset),
		cmocka_unit_test_setup(test_null_string, reset),
		cmocka_unit_test_setup(test_pointer_is_16_hex_digits, reset),
		cmocka_unit_test_setup(test_unknown_conversion_is_printed, reset),
		cmocka_unit_test_setup(test_truncation, reset),
		cmocka_unit_test_setup(test_c99_unsigned_has_no_sign, reset),
		cmocka_unit_test_setup(test_c99_alt_form_with_precision, reset),
		cmocka_unit_test_setup(test_alt_octal_zero_precision_zero, reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
