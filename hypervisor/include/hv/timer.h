/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Hypervisor timers: a callback at an absolute time (ns since boot, the
 * guests' system time). Each CPU keeps its own list, and its local APIC
 * timer is programmed one-shot for the earliest expiry (or the scheduler
 * tick, whichever is sooner). Callbacks run in interrupt context on the
 * CPU the timer was set on, with interrupts off; they must be short, and
 * must not stop a timer whose callback could be waiting on them.
 *
 * A timer may be set from any CPU while its callback runs on another (a
 * periodic callback re-arms itself), so stopping one waits for a running
 * callback; and an object that embeds a timer is freed only after
 * kill_timer(), after which no set_timer() can bring it back.
 */
#pragma once
#include <hv/types.h>

struct timer {
	uint64_t expires;		/* ns since boot */
	void (*fn)(void *data);
	void *data;
	int cpu;			/* list it is on, -1 when inactive */
	bool killed;			/* kill_timer(): set_timer() does nothing */
	struct timer *next;
};

void timer_init(struct timer *t, void (*fn)(void *data), void *data);
/* (Re)arm @t on this CPU for @expires; nothing once @t is killed. */
void set_timer(struct timer *t, uint64_t expires);
/*
 * Disarm @t wherever it is, and wait for its callback if another CPU runs
 * it (which may re-arm it: that is undone too). On return @t is neither
 * armed nor running, until someone sets it again.
 */
void stop_timer(struct timer *t);
/*
 * Stop @t for good: as stop_timer(), and every later set_timer() of it is
 * ignored. On return nothing refers to @t any more: its memory may go.
 */
void kill_timer(struct timer *t);
bool timer_is_active(const struct timer *t);

/* Interrupt side: run expired timers and return the next deadline (ns). */
uint64_t timer_run_expired(uint64_t now);

/* Time since boot in ns (TSC-based). */
uint64_t now_ns(void);

/* The earliest deadline on this CPU's list (UINT64_MAX when none). */
uint64_t timer_next_deadline(void);

/* Arch: program this CPU's timer interrupt for the next deadline. */
void arch_timer_reprogram(void);
