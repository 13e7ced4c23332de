// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU sorted timer lists. The lists are guarded by one lock (timers
 * are few: one or two per vCPU), and a timer is only ever on the list of
 * the CPU that set it, so expiry runs there.
 *
 * A callback runs with the lock dropped (it may set timers), so another
 * CPU can stop, re-arm or kill the same timer meanwhile. running[] says
 * which timer each CPU is calling back: stop_timer() waits for it there,
 * and unlinks whatever the callback re-armed, so that a stopped timer is
 * really idle and a killed one can be freed.
 */
#include <hv/bug.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/percpu.h>

/* Sorted by expiry; guarded by timer_lock. */
static struct timer *lists[NR_CPUS];
/* The timer whose callback each CPU runs now, or NULL; guarded by timer_lock. */
static struct timer *running[NR_CPUS];
static DEFINE_SPINLOCK(timer_lock);

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
	t->killed = false;
	t->next = NULL;
	t->expires = 0;
}

static void unlink_locked(struct timer *t)
{
	struct timer **pp;

	if (t->cpu < 0)
		return;
	for (pp = &lists[t->cpu]; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->cpu = -1;
	t->next = NULL;
}

void set_timer(struct timer *t, uint64_t expires)
{
	unsigned int cpu = smp_processor_id();
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	struct timer **pp;

	if (t->killed) {
		spin_unlock_irqrestore(&timer_lock, flags);
		return;
	}
	unlink_locked(t);
	t->expires = expires;
	t->cpu = (int)cpu;
	for (pp = &lists[cpu]; *pp && (*pp)->expires <= expires; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	spin_unlock_irqrestore(&timer_lock, flags);
	arch_timer_reprogram();
}

/* Is @t's callback running on a CPU other than this one? timer_lock held. */
static bool running_elsewhere_locked(const struct timer *t)
{
	unsigned int me = smp_processor_id();

	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (c != me && running[c] == t)
			return true;
	return false;
}

/*
 * Unlink @t, and again after its callback on another CPU is done (it may
 * have re-armed it). Bounded by that callback, which is short and takes
 * only locks our callers do not hold (hv/timer.h). Our own CPU's callback
 * stopping its own timer has nothing to wait for.
 */
static void stop_and_wait(struct timer *t, bool kill)
{
	for (;;) {
		unsigned long flags = spin_lock_irqsave(&timer_lock);
		bool busy;

		if (kill)
			t->killed = true;
		unlink_locked(t);
		busy = running_elsewhere_locked(t);
		spin_unlock_irqrestore(&timer_lock, flags);
		if (!busy)
			return;
		cpu_relax();
	}
}

void stop_timer(struct timer *t)
{
	stop_and_wait(t, false);
}

void kill_timer(struct timer *t)
{
	stop_and_wait(t, true);
}

bool timer_is_active(const struct timer *t)
{
	return READ_ONCE(t->cpu) >= 0;
}

uint64_t timer_run_expired(uint64_t now)
{
	unsigned int cpu = smp_processor_id();
	uint64_t next;

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&timer_lock);
		struct timer *t = lists[cpu];
		void (*fn)(void *data);
		void *data;

		if (!t || t->expires > now) {
			next = t ? t->expires : UINT64_MAX;
			spin_unlock_irqrestore(&timer_lock, flags);
			return next;
		}
		unlink_locked(t);
		fn = t->fn;
		data = t->data;
		running[cpu] = t;
		spin_unlock_irqrestore(&timer_lock, flags);
		/* Run unlocked: the callback may set timers again. */
		fn(data);
		/* From here on @t may be freed: a killer was waiting for this. */
		flags = spin_lock_irqsave(&timer_lock);
		running[cpu] = NULL;
		spin_unlock_irqrestore(&timer_lock, flags);
	}
}

uint64_t timer_next_deadline(void)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);
	struct timer *t = lists[smp_processor_id()];
	uint64_t next = t ? t->expires : UINT64_MAX;

	spin_unlock_irqrestore(&timer_lock, flags);
	return next;
}
