// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/journal.c: create's journal round-trips, a line cut short by a kill
 * is not trusted, and /run/ward names give their numbers only when whole.
 */
// sources: ctl/journal.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ctl/journal.h"

static void test_round_trip(void **state)
{
	char text[512], line[96];
	struct journal j;

	text[0] = '\0';
	journal_format_loop(line, sizeof(line), "/dev/loop3", 2049, 77);
	assert_string_equal(line, "loop /dev/loop3 2049 77\n");
	strcat(text, line);
	journal_format_loop(line, sizeof(line), "/dev/loop4", 2049, 78);
	strcat(text, line);
	journal_format_domain(line, sizeof(line), 5, 0x1234, 0x1235);
	assert_string_equal(line, "domain 5 4660 4661\n");
	strcat(text, line);

	assert_int_equal(journal_parse(text, &j), 0);
	assert_int_equal(j.nr_loops, 2);
	assert_string_equal(j.loops[0].node, "/dev/loop3");
	assert_int_equal(j.loops[0].dev, 2049);
	assert_int_equal(j.loops[0].ino, 77);
	assert_string_equal(j.loops[1].node, "/dev/loop4");
	assert_true(j.has_domain);
	assert_int_equal(j.domid, 5);
	assert_int_equal(j.console_mfn, 0x1234);
	assert_int_equal(j.store_mfn, 0x1235);
}

static void test_untrusted_lines(void **state)
{
	struct journal j;

	/* The last line has no newline: a kill cut the write short. */
	assert_int_equal(journal_parse("loop /dev/loop1 1 2\ndomain 5 1", &j), 1);
	assert_int_equal(j.nr_loops, 1);
	assert_false(j.has_domain);
	/* Not a loop device, junk after the numbers, dom0, nonsense. */
	assert_int_equal(journal_parse("loop /etc/passwd 1 2\n"
				       "loop /dev/loop1 1 2 3\n"
				       "domain 0 1 2\n"
				       "bogus\n\n", &j), 4);
	assert_int_equal(j.nr_loops, 0);
	assert_false(j.has_domain);
	/* A second domain line is not believed. */
	assert_int_equal(journal_parse("domain 3 1 2\ndomain 4 1 2\n", &j), 1);
	assert_int_equal(j.domid, 3);
	assert_int_equal(journal_parse("", &j), 0);
}

static void test_names(void **state)
{
	assert_int_equal(journal_name_number("console-3.pid", "console-", ".pid"), 3);
	assert_int_equal(journal_name_number("console-12.sock", "console-", ".sock"), 12);
	assert_int_equal(journal_name_number("create-212.journal", "create-", ".journal"), 212);
	assert_int_equal(journal_name_number("console-.pid", "console-", ".pid"), -1);
	assert_int_equal(journal_name_number("console-3x.pid", "console-", ".pid"), -1);
	assert_int_equal(journal_name_number("console-3.pid.tmp", "console-", ".pid"), -1);
	assert_int_equal(journal_name_number("xconsole-3.pid", "console-", ".pid"), -1);
	assert_int_equal(journal_name_number("console-99999999999.pid", "console-", ".pid"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_untrusted_lines),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("tools journal", tests, NULL, NULL);
}
