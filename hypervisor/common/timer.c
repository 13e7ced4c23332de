// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-CPU sorted timer lists. The lists are guarded by one lock (timers
 * are few: one or two per vCPU), and a timer is only ever on the list of
 * the CPU that set it, so expiry runs there.
 */
#include <hv/bug.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <asm/desc.h>
#include <asm/percpu.h>

/* Sorted by expiry; guarded by timer_lock. */
static struct timer *lists[NR_CPUS];
static DEFINE_SPINLOCK(timer_lock);

void timer_init(struct timer *t, void (*fn)(void *data), void *data)
{
	t->fn = fn;
	t->data = data;
	t->cpu = -1;
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

void stop_timer(struct timer *t)
{
	unsigned long flags = spin_lock_irqsave(&timer_lock);

	unlink_locked(t);
	spin_unlock_irqrestore(&timer_lock, flags);
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

		if (!t || t->expires > now) {
			next = t ? t->expires : UINT64_MAX;
			spin_unlock_irqrestore(&timer_lock, flags);
			return next;
		}
		unlink_locked(t);
		spin_unlock_irqrestore(&timer_lock, flags);
		/* Run unlocked: the callback may set timers again. */
		t->fn(t->data);
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
