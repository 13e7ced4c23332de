// SPDX-License-Identifier: GPL-2.0-only
/* Shutdown reason -> configured action. Pure; tested in test-console-action. */
#include <string.h>

#include <stdint.h>
#include <xen/xen.h>
#include <xen/sched.h>
#include "action.h"

enum dom_action action_parse(const char *s)
{
	if (!strcmp(s, "destroy"))
		return DOM_ACTION_DESTROY;
	if (!strcmp(s, "restart"))
		return DOM_ACTION_RESTART;
	if (!strcmp(s, "preserve"))
		return DOM_ACTION_PRESERVE;
	return DOM_ACTION_NONE;
}

enum dom_action action_for(uint32_t reason, enum dom_action on_poweroff,
			   enum dom_action on_reboot, enum dom_action on_crash)
{
	switch (reason) {
	case SHUTDOWN_poweroff:
		return on_poweroff;
	case SHUTDOWN_reboot:
	case SHUTDOWN_soft_reset:
		return on_reboot;
	case SHUTDOWN_crash:
	case SHUTDOWN_watchdog:
		return on_crash;
	default:
		return DOM_ACTION_NONE;
	}
}
