// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/cmdline.c: cmdline_parse() against a table with one option of
 * every type, and parse_size(). Each case checks the variables, the
 * problem count and the messages handed to the report callback.
 */
// sources: common/cmdline.c tests/unit/host-lib.c
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <hv/cmdline.h>
#include <hv/errno.h>

#define NUM_INIT	12345UL
#define MEM_INIT	999ULL
#define STR_INIT	"init"

static bool opt_flag;
static unsigned long opt_num;
static uint64_t opt_mem;
static char opt_name[16];	/* at most 15 characters */
static char opt_long[300];	/* longer than any token the parser accepts */

/* "cb=" accepts anything but "bad"; records what it was given. */
static unsigned int cb_calls;
static char cb_value[64];

static int cb_fn(const char *value)
{
	cb_calls++;
	snprintf(cb_value, sizeof(cb_value), "%s", value);
	return strcmp(value, "bad") ? 0 : -EINVAL;
}

static const struct param params[] = {
	{ .name = "flag", .type = PARAM_BOOL, .var = &opt_flag, .size = sizeof(opt_flag) },
	{ .name = "num", .type = PARAM_UINT, .var = &opt_num, .size = sizeof(opt_num) },
	{ .name = "mem", .type = PARAM_SIZE, .var = &opt_mem, .size = sizeof(opt_mem) },
	{ .name = "name", .type = PARAM_STRING, .var = opt_name, .size = sizeof(opt_name) },
	{ .name = "long", .type = PARAM_STRING, .var = opt_long, .size = sizeof(opt_long) },
	{ .name = "cb", .type = PARAM_CUSTOM, .fn = cb_fn },
};

/* Messages from the report callback, in order. */
static char msgs[8][600];
static unsigned int nr_msgs;

static void report(const char *msg)
{
	if (nr_msgs < ARRAY_SIZE(msgs))
		snprintf(msgs[nr_msgs], sizeof(msgs[0]), "%s", msg);
	nr_msgs++;
}

static int reset(void **state)
{
	opt_flag = false;
	opt_num = NUM_INIT;
	opt_mem = MEM_INIT;
	strcpy(opt_name, STR_INIT);
	strcpy(opt_long, STR_INIT);
	cb_calls = 0;
	cb_value[0] = '\0';
	nr_msgs = 0;
	return 0;
}

static unsigned int parse(const char *cmdline)
{
	return cmdline_parse(cmdline, params, ARRAY_SIZE(params), report);
}

/* @cmdline has exactly one problem, reported with a message containing @what. */
static void one_problem(const char *cmdline, const char *what)
{
	unsigned int problems = parse(cmdline);

	if (problems != 1 || nr_msgs != 1 || !strstr(msgs[0], what))
		fail_msg("\"%s\": %u problem(s), %u message(s), first \"%s\"; want 1 about \"%s\"",
			 cmdline, problems, nr_msgs, nr_msgs ? msgs[0] : "", what);
}

/* @cmdline is accepted without a word of complaint. */
static void no_problem(const char *cmdline)
{
	unsigned int problems = parse(cmdline);

	if (problems || nr_msgs)
		fail_msg("\"%s\": %u problem(s), first message \"%s\"", cmdline, problems,
			 nr_msgs ? msgs[0] : "");
}

/* A string of @n copies of @c, in a static buffer. */
static const char *repeat(char c, size_t n)
{
	static char buf[1024];

	assert_true(n < sizeof(buf));
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_bool_forms(void **state)
{
	static const struct {
		const char *cmdline;
		bool start, want;
	} rows[] = {
		{ "flag", false, true },
		{ "flag=1", false, true },
		{ "flag=yes", false, true },
		{ "flag=on", false, true },
		{ "flag=true", false, true },
		{ "flag=enable", false, true },
		{ "flag=0", true, false },
		{ "flag=no", true, false },
		{ "flag=off", true, false },
		{ "flag=false", true, false },
		{ "flag=disable", true, false },
		{ "no-flag", true, false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		reset(state);
		opt_flag = rows[i].start;
		no_problem(rows[i].cmdline);
		if (opt_flag != rows[i].want)
			fail_msg("\"%s\": flag is %d, want %d", rows[i].cmdline, opt_flag,
				 rows[i].want);
	}
}

static void test_bool_bad_values(void **state)
{
	static const char *const bad[] = { "flag=maybe", "flag=", "flag=YES", "flag=2",
					   "flag=on1" };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset(state);
		opt_flag = true;
		one_problem(bad[i], "bad value");
		assert_true(opt_flag);	/* unchanged */
	}
	reset(state);
	one_problem("flag=maybe", "'maybe' for option 'flag'");
}

static void test_uint(void **state)
{
	static const struct {
		const char *cmdline;
		unsigned long want;
	} good[] = {
		{ "num=0", 0 },
		{ "num=42", 42 },
		{ "num=0x10", 16 },
		{ "num=010", 8 },
		{ "num=18446744073709551615", ULONG_MAX },
	};
	static const char *const bad[] = { "num=abc", "num=12abc", "num=-1", "num=",
					   "num=18446744073709551616", "num=4K" };

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		reset(state);
		no_problem(good[i].cmdline);
		assert_int_equal(opt_num, good[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset(state);
		one_problem(bad[i], "bad value");
		assert_int_equal(opt_num, NUM_INIT);
	}
}

static void test_size(void **state)
{
	static const struct {
		const char *cmdline;
		uint64_t want;
	} good[] = {
		{ "mem=4096", 4096 },
		{ "mem=512b", 512 },
		{ "mem=4K", KiB(4) },
		{ "mem=4k", KiB(4) },
		{ "mem=16M", MiB(16) },
		{ "mem=2G", GiB(2) },
		{ "mem=1T", GiB(1024) },
		{ "mem=0x10M", MiB(16) },
		{ "mem=16777215T", 0xffffff0000000000ULL },	/* largest in T */
	};
	static const char *const bad[] = { "mem=4X", "mem=4KB", "mem=K", "mem=", "mem=-4K",
					   "mem=16777216T",		/* 2^64 */
					   "mem=17179869184G" };	/* 2^64 */

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		reset(state);
		no_problem(good[i].cmdline);
		assert_int_equal(opt_mem, good[i].want);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		reset(state);
		one_problem(bad[i], "bad value");
		assert_int_equal(opt_mem, MEM_INIT);
	}
}

static void test_parse_size(void **state)
{
	static const struct {
		const char *s;
		bool ok;
		uint64_t want;
	} rows[] = {
		{ "0", true, 0 },
		{ "0K", true, 0 },
		{ "1", true, 1 },
		{ "1B", true, 1 },
		{ "1K", true, 1024 },
		{ "3m", true, MiB(3) },
		{ "5g", true, GiB(5) },
		{ "2t", true, GiB(2048) },
		{ "0x1000", true, 0x1000 },
		{ "010K", true, KiB(8) },
		{ "18446744073709551615", true, UINT64_MAX },
		{ "18014398509481983K", true, UINT64_MAX & ~0x3ffULL },	/* (2^64-1)>>10 */
		{ "18014398509481984K", false, 0 },
		{ "17592186044415M", true, UINT64_MAX & ~0xfffffULL },
		{ "17592186044416M", false, 0 },
		{ "18446744073709551616", false, 0 },
		{ "", false, 0 },
		{ "K", false, 0 },
		{ " 1K", false, 0 },
		{ "1K ", false, 0 },
		{ "1KK", false, 0 },
		{ "1.5G", false, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		uint64_t v = 77;
		bool ok = parse_size(rows[i].s, &v);

		if (ok != rows[i].ok || v != (ok ? rows[i].want : 77))
			fail_msg("parse_size(\"%s\"): %d %#llx, want %d %#llx", rows[i].s, ok,
				 (unsigned long long)v, rows[i].ok,
				 (unsigned long long)rows[i].want);
	}
}

static void test_string(void **state)
{
	static const struct {
		const char *cmdline, *want;
	} good[] = {
		{ "name=hello", "hello" },
		{ "name=\"a b c\"", "a b c" },
		{ "name=\"\"", "" },
		{ "name=", "" },
		{ "name=ab\"c d\"e", "abc de" },	/* quotes may start mid-value */
		{ "name=\"x=y\"", "x=y" },
		{ "name=a=b", "a=b" },
		{ "name=\"tab\there\"", "tab\there" },
		{ "name=123456789012345", "123456789012345" },	/* 15: exact fit */
	};

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		reset(state);
		no_problem(good[i].cmdline);
		assert_string_equal(opt_name, good[i].want);
	}
}

/* A string that does not fit is refused whole, never truncated. */
static void test_string_too_long_is_refused(void **state)
{
	one_problem("name=1234567890123456", "bad value '1234567890123456' for option 'name'");
	assert_string_equal(opt_name, STR_INIT);
	reset(state);
	one_problem("name=\"a quoted value that is long\"", "bad value");
	assert_string_equal(opt_name, STR_INIT);
}

static void test_custom(void **state)
{
	no_problem("cb=good");
	assert_int_equal(cb_calls, 1);
	assert_string_equal(cb_value, "good");

	reset(state);
	one_problem("cb=bad", "bad value 'bad' for option 'cb'");
	assert_int_equal(cb_calls, 1);

	reset(state);
	no_problem("cb=\"with space\"");
	assert_string_equal(cb_value, "with space");

	reset(state);
	one_problem("cb", "option 'cb' needs a value");
	assert_int_equal(cb_calls, 0);
}

static void test_unknown_options(void **state)
{
	one_problem("bogus", "unknown option 'bogus'");
	reset(state);
	one_problem("bogus=1", "unknown option 'bogus'");
	reset(state);
	one_problem("no-bogus", "unknown option 'no-bogus'");
	reset(state);
	one_problem("no-flag=1", "unknown option 'no-flag'");	/* no- takes no value */
	reset(state);
	one_problem("=5", "unknown option ''");
	reset(state);
	one_problem("Flag", "unknown option 'Flag'");	/* names are case-sensitive */

	/* Valid options around an unknown one still take effect. */
	reset(state);
	assert_int_equal(parse("num=1 what=ever flag"), 1);
	assert_int_equal(nr_msgs, 1);
	assert_non_null(strstr(msgs[0], "'what'"));
	assert_int_equal(opt_num, 1);
	assert_true(opt_flag);
}

static void test_no_prefix_on_non_bool(void **state)
{
	static const char *const cmd[] = { "no-num", "no-mem", "no-name", "no-cb" };

	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++) {
		reset(state);
		one_problem(cmd[i], "is not a boolean");
	}
	assert_int_equal(opt_num, NUM_INIT);
	assert_int_equal(opt_mem, MEM_INIT);
	assert_string_equal(opt_name, STR_INIT);
	assert_int_equal(cb_calls, 0);
}

static void test_missing_value(void **state)
{
	static const char *const cmd[] = { "num", "mem", "name" };

	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++) {
		reset(state);
		one_problem(cmd[i], "needs a value");
	}
	assert_int_equal(opt_num, NUM_INIT);
	assert_int_equal(opt_mem, MEM_INIT);
	assert_string_equal(opt_name, STR_INIT);
}

/* Names and values up to 255 characters pass; longer tokens are refused whole. */
static void test_token_length_limit(void **state)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "long=%s", repeat('v', 255));
	no_problem(cmd);
	assert_int_equal(strlen(opt_long), 255);

	reset(state);
	snprintf(cmd, sizeof(cmd), "long=%s flag", repeat('v', 256));
	one_problem(cmd, "is too long");
	assert_string_equal(opt_long, STR_INIT);
	assert_true(opt_flag);		/* the next option is still seen */

	reset(state);
	snprintf(cmd, sizeof(cmd), "%s", repeat('n', 255));
	one_problem(cmd, "unknown option");

	reset(state);
	snprintf(cmd, sizeof(cmd), "%s=1 num=3", repeat('n', 600));
	one_problem(cmd, "is too long");
	assert_non_null(strstr(msgs[0], repeat('n', 40)));
	assert_int_equal(opt_num, 3);

	reset(state);
	snprintf(cmd, sizeof(cmd), "long=\"%s\"", repeat('q', 300));
	one_problem(cmd, "is too long");
	assert_string_equal(opt_long, STR_INIT);
}

static void test_unterminated_quote(void **state)
{
	one_problem("name=\"abc flag", "unterminated quote in option 'name'");
	assert_string_equal(opt_name, STR_INIT);
	assert_false(opt_flag);		/* swallowed by the open quote */

	reset(state);
	assert_int_equal(parse("num=5 name=\"x"), 1);
	assert_int_equal(opt_num, 5);
	assert_string_equal(opt_name, STR_INIT);
}

static void test_empty_command_lines(void **state)
{
	static const char *const cmd[] = { "", " ", "   \t\n\r  ", "\t" };

	assert_int_equal(parse(NULL), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++)
		no_problem(cmd[i]);
	assert_int_equal(opt_num, NUM_INIT);
	assert_false(opt_flag);
	assert_int_equal(nr_msgs, 0);
}

static void test_several_options(void **state)
{
	no_problem("  flag num=7\tmem=1M\nname=\"a b\"\r cb=ok long=x  ");
	assert_true(opt_flag);
	assert_int_equal(opt_num, 7);
	assert_int_equal(opt_mem, MiB(1));
	assert_string_equal(opt_name, "a b");
	assert_string_equal(cb_value, "ok");
	assert_string_equal(opt_long, "x");
}

static void test_later_option_wins(void **state)
{
	no_problem("num=1 num=2");
	assert_int_equal(opt_num, 2);
	no_problem("flag no-flag");
	assert_false(opt_flag);
	no_problem("no-flag flag=on");
	assert_true(opt_flag);
	no_problem("name=first name=second");
	assert_string_equal(opt_name, "second");

	/* A bad later value leaves the earlier good one in place. */
	reset(state);
	assert_int_equal(parse("mem=2M mem=junk"), 1);
	assert_int_equal(opt_mem, MiB(2));
}

static void test_problems_are_counted_and_reported(void **state)
{
	unsigned int problems = parse("bogus num=x no-mem flag=maybe name num=9");

	assert_int_equal(problems, 5);
	assert_int_equal(nr_msgs, 5);
	assert_non_null(strstr(msgs[0], "unknown option 'bogus'"));
	assert_non_null(strstr(msgs[1], "bad value 'x' for option 'num'"));
	assert_non_null(strstr(msgs[2], "'mem' is not a boolean"));
	assert_non_null(strstr(msgs[3], "bad value 'maybe' for option 'flag'"));
	assert_non_null(strstr(msgs[4], "option 'name' needs a value"));
	for (unsigned int i = 0; i < nr_msgs; i++)
		assert_non_null(strstr(msgs[i], "cmdline: "));
	assert_int_equal(opt_num, 9);
}

static void test_report_may_be_null(void **state)
{
	assert_int_equal(cmdline_parse("bogus num=x flag", params, ARRAY_SIZE(params), NULL), 2);
	assert_true(opt_flag);
	assert_int_equal(cmdline_parse("flag", NULL, 0, NULL), 1);
}

#define TEST(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TEST(test_bool_forms),
		TEST(test_bool_bad_values),
		TEST(test_uint),
		TEST(test_size),
		TEST(test_parse_size),
		TEST(test_string),
		TEST(test_string_too_long_is_refused),
		TEST(test_custom),
		TEST(test_unknown_options),
		TEST(test_no_prefix_on_non_bool),
		TEST(test_missing_value),
		TEST(test_token_length_limit),
		TEST(test_unterminated_quote),
		TEST(test_empty_command_lines),
		TEST(test_several_options),
		TEST(test_later_option_wins),
		TEST(test_problems_are_counted_and_reported),
		TEST(test_report_may_be_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
