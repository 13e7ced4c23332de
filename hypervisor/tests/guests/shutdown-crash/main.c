// SPDX-License-Identifier: GPL-2.0-only
/*
 * SCHEDOP_shutdown(SHUTDOWN_crash) from dom0: what Linux calls on panic.
 * As in shutdown-reboot, the guest reports SUCCESS before the call and
 * the hypervisor's report of the reason is the real check.
 */
#include "lib.h"

const char test_title[] = "shutdown-crash: SCHEDOP_shutdown(crash)";

void test_main(start_info_t *si)
{
	printk("shutting down with SHUTDOWN_crash\n");
	test_report_only();
	guest_shutdown(SHUTDOWN_crash);
}
