// SPDX-License-Identifier: GPL-2.0-only
/* console/action.c: which on_* applies to each shutdown reason. */
// sources: console/action.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include "console/action.h"

#define P DOM_ACTION_DESTROY
#define R DOM_ACTION_RESTART
#define C DOM_ACTION_PRESERVE

static void test_parse(void **state)
{
	assert_int_equal(action_parse("destroy"), DOM_ACTION_DESTROY);
	assert_int_equal(action_parse("restart"), DOM_ACTION_RESTART);
	assert_int_equal(action_parse("preserve"), DOM_ACTION_PRESERVE);
	assert_int_equal(action_parse("Destroy"), DOM_ACTION_NONE);
	assert_int_equal(action_parse(""), DOM_ACTION_NONE);
}

static void test_reasons(void **state)
{
	assert_int_equal(action_for(SHUTDOWN_poweroff, P, R, C), P);
	assert_int_equal(action_for(SHUTDOWN_reboot, P, R, C), R);
	assert_int_equal(action_for(SHUTDOWN_soft_reset, P, R, C), R);
	assert_int_equal(action_for(SHUTDOWN_crash, P, R, C), C);
	assert_int_equal(action_for(SHUTDOWN_watchdog, P, R, C), C);
	assert_int_equal(action_for(SHUTDOWN_suspend, P, R, C), DOM_ACTION_NONE);
	assert_int_equal(action_for(99, P, R, C), DOM_ACTION_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_reasons),
	};

	return cmocka_run_group_tests_name("tools console action", tests, NULL, NULL);
}
