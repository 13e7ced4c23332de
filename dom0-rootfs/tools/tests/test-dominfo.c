// SPDX-License-Identifier: GPL-2.0-only
/*
 * ctl/dominfo.c: "wardctl list" lines from a fake WARD_CTL_list result,
 * state letters for every flag, and NAME|ID lookup.
 */
// sources: ctl/dominfo.c
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include "ctl/dominfo.h"

static const struct dom_entry doms[] = {
	{ .info = { .domid = 0, .flags = WARD_DOMINF_running | WARD_DOMINF_privileged,
		    .nr_vcpus = 2, .tot_pages = 262144, .cpu_time_ns = 12345000000ull },
	  .name = "Domain-0" },
	{ .info = { .domid = 3, .flags = WARD_DOMINF_blocked, .nr_vcpus = 1,
		    .tot_pages = 32768, .cpu_time_ns = 50000000ull },
	  .name = "web" },
	{ .info = { .domid = 5, .flags = WARD_DOMINF_paused, .nr_vcpus = 4,
		    .tot_pages = 65536 },
	  .name = "" },
	{ .info = { .domid = 12, .nr_vcpus = 1 }, .name = "12x" },
};

static void state_of(uint32_t flags, uint32_t reason, const char *expected)
{
	struct ward_dominfo i = { .flags = flags, .shutdown_reason = reason };
	char buf[7];

	dominfo_state(&i, buf);
	assert_string_equal(buf, expected);
}

static void test_state_letters(void **state)
{
	state_of(0, 0, "------");
	state_of(WARD_DOMINF_running, 0, "r-----");
	state_of(WARD_DOMINF_blocked, 0, "-b----");
	state_of(WARD_DOMINF_paused, 0, "--p---");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_poweroff, "---s--");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_reboot, "---s--");
	state_of(WARD_DOMINF_shutdown, SHUTDOWN_crash, "----c-");
	state_of(WARD_DOMINF_dying, 0, "-----d");
	state_of(WARD_DOMINF_dying | WARD_DOMINF_shutdown | WARD_DOMINF_paused,
		 SHUTDOWN_crash, "--p-cd");
	/* A crash reason without the shutdown flag is not a crash. */
	state_of(0, SHUTDOWN_crash, "------");
}

static void test_format(void **state)
{
	char buf[200];

	assert_string_equal(dominfo_header(),
		"Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
	dominfo_format(&doms[0], buf, sizeof(buf));
	assert_string_equal(buf,
		"Domain-0                                     0  1024     2     r-----     12.3\n");
	dominfo_format(&doms[1], buf, sizeof(buf));
	assert_string_equal(buf,
		"web                                          3   128     1     -b----      0.1\n");
	dominfo_format(&doms[2], buf, sizeof(buf));
	assert_string_equal(buf,
		"(domain 5)                                   5   256     4     --p---      0.0\n");
}

static void test_lookup(void **state)
{
	assert_int_equal(dominfo_lookup(doms, 4, "web"), 1);
	assert_int_equal(dominfo_lookup(doms, 4, "Domain-0"), 0);
	assert_int_equal(dominfo_lookup(doms, 4, "0"), 0);
	assert_int_equal(dominfo_lookup(doms, 4, "5"), 2);
	assert_int_equal(dominfo_lookup(doms, 4, "12x"), 3);
	assert_int_equal(dominfo_lookup(doms, 4, "12"), 3);
	assert_int_equal(dominfo_lookup(doms, 4, "13"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, "mail"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, "-1"), -ENOENT);
	assert_int_equal(dominfo_lookup(doms, 4, ""), -EINVAL);
	assert_int_equal(dominfo_lookup(doms, 4, NULL), -EINVAL);
	assert_int_equal(dominfo_lookup(doms, 0, "web"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_letters),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests_name("tools dominfo", tests, NULL, NULL);
}
