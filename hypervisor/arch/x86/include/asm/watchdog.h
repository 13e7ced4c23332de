/* SPDX-License-Identifier: GPL-2.0-only */
/* The watchdog (watchdog.c): a CPU stuck with interrupts off reports itself. */
#pragma once
#include <hv/types.h>

/* From every timer interrupt: watch the next CPU; NMI it if it stalls. */
void watchdog_tick(uint64_t now);
/*
 * From the NMI handler: has this CPU's watcher asked for a report? The
 * stall's length in ms (the request is consumed), or 0.
 */
uint64_t watchdog_take_request(void);
/* Boot is done: start watching (and run the watchdog_selftest if asked). */
void watchdog_arm(void);
