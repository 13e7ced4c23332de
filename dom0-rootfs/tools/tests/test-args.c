// SPDX-License-Identifier: GPL-2.0-only
/* ctl/args.c: verb_parse() accepts flags anywhere and one positional. */
// sources: ctl/args.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "ctl/wardctl.h"

static int parse(int argc, char **argv, const char *letters,
		 struct verb_args *a)
{
	return verb_parse(argc, argv, letters, "FILE", a);
}

static void test_ok(void **state)
{
	struct verb_args a;

	assert_int_equal(parse(2, (char *[]){ "create", "g.cfg", NULL }, "c", &a), 0);
	assert_string_equal(a.pos, "g.cfg");
	assert_int_equal(a.flags, 0);
	assert_int_equal(parse(3, (char *[]){ "create", "-c", "g.cfg", NULL }, "c", &a), 0);
	assert_string_equal(a.pos, "g.cfg");
	assert_int_equal(a.flags, 1);
	assert_int_equal(parse(3, (char *[]){ "shutdown", "web", "-w", NULL }, "cw", &a), 0);
	assert_string_equal(a.pos, "web");
	assert_int_equal(a.flags, 2);
	/* "-" alone is a positional (stdin-like name), not an option. */
	assert_int_equal(parse(2, (char *[]){ "x", "-", NULL }, "", &a), 0);
	assert_string_equal(a.pos, "-");
}

static void test_errors(void **state)
{
	struct verb_args a;

	/* missing, empty, twice, unknown flag, flag with trailing letters */
	assert_int_equal(parse(1, (char *[]){ "create", NULL }, "c", &a), -1);
	assert_int_equal(parse(2, (char *[]){ "create", "", NULL }, "c", &a), -1);
	assert_int_equal(parse(3, (char *[]){ "create", "a", "b", NULL }, "c", &a), -1);
	assert_int_equal(parse(3, (char *[]){ "create", "-x", "a", NULL }, "c", &a), -1);
	assert_int_equal(parse(3, (char *[]){ "create", "-cw", "a", NULL }, "cw", &a), -1);
	assert_int_equal(parse(3, (char *[]){ "destroy", "-w", "a", NULL }, "", &a), -1);
	assert_int_equal(parse(2, (char *[]){ "create", "-c", NULL }, "c", &a), -1);
}

static void test_two(void **state)
{
	struct verb_args a;

	assert_int_equal(verb_parse2(3, (char *[]){ "rename", "g", "h", NULL }, "",
				     "NAME", "NEWNAME", &a), 0);
	assert_string_equal(a.pos, "g");
	assert_string_equal(a.pos2, "h");
	assert_int_equal(verb_parse2(2, (char *[]){ "rename", "g", NULL }, "",
				     "NAME", "NEWNAME", &a), -1);
	assert_int_equal(verb_parse2(4, (char *[]){ "sysrq", "g", "h", "x", NULL }, "",
				     "NAME", "KEY", &a), -1);
	assert_int_equal(verb_no_args(1, (char *[]){ "info", NULL }), 0);
	assert_int_equal(verb_no_args(2, (char *[]){ "info", "x", NULL }), -1);
}

/* xl's memory amounts: MiB by default, b/k/m/g/t in either case. */
static void test_mem_sizes(void **state)
{
	static const struct { const char *in; int rc; uint64_t kb; } rows[] = {
		{ "64", 0, 65536 }, { "64m", 0, 65536 }, { "64M", 0, 65536 },
		{ "2048k", 0, 2048 }, { "1g", 0, 1048576 }, { "1t", 0, 1ull << 30 },
		{ "4096b", 0, 4 }, { "0", 0, 0 },
		{ "", -1, 0 }, { "m", -1, 0 }, { "-1", -1, 0 }, { "+5", -1, 0 },
		{ "12x", -1, 0 }, { "12mb", -1, 0 }, { " 12", -1, 0 },
		{ "99999999999999999999", -1, 0 }, { "18014398509481984m", -1, 0 },
	};
	unsigned int i;
	uint64_t kb;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		kb = 0;
		assert_int_equal(parse_mem_kb(rows[i].in, &kb), rows[i].rc);
		if (rows[i].rc == 0)
			assert_int_equal(kb, rows[i].kb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_two),
		cmocka_unit_test(test_mem_sizes),
	};

	/* The errors print one line each to stderr; TAP stays on stdout. */
	return cmocka_run_group_tests_name("tools args", tests, NULL, NULL);
}
