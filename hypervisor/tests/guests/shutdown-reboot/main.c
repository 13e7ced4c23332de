// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCHEDOP_shutdown(SHUTDOWN_reboot) from dom0. The guest reports SUCCESS
 * first, since nothing runs after the call; the real check is the
 * hypervisor's own report of the reason (ci/tests/guest-tests.sh), and
 * that control never comes back here.
 */
#include "lib.h"

const char test_title[] = "shutdown-reboot: SCHEDOP_shutdown(reboot)";

void test_main(start_info_t *si)
{
	printk("shutting down with SHUTDOWN_reboot\n");
	test_report_only();
	guest_shutdown(SHUTDOWN_reboot);
}
