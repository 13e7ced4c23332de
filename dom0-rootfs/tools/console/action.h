/* SPDX-License-Identifier: GPL-2.0-only */
/* What the console daemon does when its domain shuts down (xl's on_*). */
#pragma once

#include <stdint.h>

enum dom_action {
	DOM_ACTION_NONE,	/* not a final state (suspend): keep serving */
	DOM_ACTION_DESTROY,
	DOM_ACTION_RESTART,
	DOM_ACTION_PRESERVE,
};

/* "destroy" | "restart" | "preserve" -> action, or DOM_ACTION_NONE if not one. */
enum dom_action action_parse(const char *s);

/*
 * The action for shutdown @reason (SHUTDOWN_*), given the configured
 * on_poweroff, on_reboot and on_crash. Watchdog counts as a crash and
 * soft_reset as a reboot; suspend and unknown reasons give NONE.
 */
enum dom_action action_for(uint32_t reason, enum dom_action on_poweroff,
			   enum dom_action on_reboot, enum dom_action on_crash);
