// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round-robin scheduling over one run queue shared by all CPUs. A vCPU
 * is on at most one CPU: it leaves the queue when a CPU picks it and
 * rejoins only after that CPU has saved its state, so no other CPU can
 * load stale registers. Real scheduling (weights, per-CPU queues) comes
 * later; this is enough to run several vCPUs fairly.
 */
#include <hv/arch.h>
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <hv/spinlock.h>
#include <hv/timer.h>
#include <public/vcpu.h>
#include <asm/ipi.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pv.h>

/* Timer ticks a vCPU runs before others get a turn (asm/apic.h: 100 Hz). */
#define SLICE_TICKS	3

/* The run queue: FIFO of runnable vCPUs not on any CPU. */
static struct vcpu *rq_head, *rq_tail;
static DEFINE_SPINLOCK(rq_lock);

static bool vcpu_runnable(const struct vcpu *v)
{
	return !READ_ONCE(v->pause_flags) && !v->domain->is_dying &&
	       !v->domain->is_shut_down;
}

/* Called with rq_lock held. */
static void rq_push(struct vcpu *v)
{
	if (v->on_runqueue)
		return;
	v->on_runqueue = true;
	v->rq_next = NULL;
	if (rq_tail)
		rq_tail->rq_next = v;
	else
		rq_head = v;
	rq_tail = v;
}

/* Called with rq_lock held; skips (and drops) vCPUs that cannot run. */
static struct vcpu *rq_pop(void)
{
	while (rq_head) {
		struct vcpu *v = rq_head;

		rq_head = v->rq_next;
		if (!rq_head)
			rq_tail = NULL;
		v->on_runqueue = false;
		if (vcpu_runnable(v))
			return v;
	}
	return NULL;
}

struct vcpu *current_vcpu(void)
{
	return get_cpu_info()->curr;
}

void raise_reschedule(void)
{
	get_cpu_info()->need_resched = true;
}

void vcpu_wake(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock);
	bool queued = false;

	if (vcpu_runnable(v) && v->processor < 0 && !v->on_runqueue) {
		rq_push(v);
		queued = true;
	}
	spin_unlock_irqrestore(&rq_lock, flags);
	/* An idle CPU would otherwise notice only at its next timer tick. */
	if (queued)
		cpu_kick_idle();
}

void vcpu_notify(struct vcpu *v)
{
	int cpu = READ_ONCE(v->processor);

	if (cpu >= 0)
		cpu_kick((unsigned int)cpu);
}

void vcpu_sleep(struct vcpu *v)
{
	/*
	 * Nothing to do beyond the flags the caller set: a vCPU on the queue
	 * is dropped when popped, and one on a CPU is switched away from at
	 * that CPU's next exit to the guest (this CPU's, if it is current).
	 */
	if (v == current_vcpu())
		raise_reschedule();
	else
		vcpu_notify(v);
}

bool sched_vcpu_gone(struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock);
	bool gone;

	/*
	 * Under rq_lock: a CPU that picked @v before VPF_DYING was set did so
	 * under this lock and set v->processor in the same section, so we see
	 * it; one that picks after sees the flag and passes @v by.
	 */
	if (v->on_runqueue) {
		struct vcpu **pp, *prev = NULL;

		for (pp = &rq_head; *pp != v; pp = &(*pp)->rq_next) {
			BUG_ON(!*pp);	/* on_runqueue says it is there */
			prev = *pp;
		}
		*pp = v->rq_next;
		if (rq_tail == v)
			rq_tail = prev;
		v->on_runqueue = false;
		v->rq_next = NULL;
	}
	gone = v->processor < 0;
	spin_unlock_irqrestore(&rq_lock, flags);
	return gone;
}

void sched_tick(void)
{
	struct cpu_info *ci = get_cpu_info();

	if (ci->curr && ++ci->slice_ticks >= SLICE_TICKS)
		ci->need_resched = true;
}

/* Idle: wait for work, then enter a guest on a fresh stack. */
static __noreturn void idle_loop(void)
{
	struct cpu_info *ci = get_cpu_info();

	for (;;) {
		struct vcpu *next;
		unsigned long flags;

		local_irq_disable();
		/* Idle first, then look: a vCPU queued after the look kicks us. */
		cpu_set_idle(true);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		flags = spin_lock_irqsave(&rq_lock);
		next = rq_pop();
		if (next)
			next->processor = (int)ci->cpu;
		spin_unlock_irqrestore(&rq_lock, flags);
		if (next) {
			cpu_set_idle(false);
			ci->curr = next;
			ci->slice_ticks = 0;
			ci->need_resched = false;
			pv_load_vcpu(next, guest_regs());
			vcpu_runstate_change(next, RUNSTATE_running, now_ns());
			vcpu_runstate_publish(next);
			/* A vCPU woken by an event gets it before it runs again. */
			pv_deliver_events(guest_regs());
			pv_enter_guest(guest_regs());
		}
		/* sti; hlt: the interrupt window opens only at the hlt. */
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
}

void schedule(void)
{
	struct cpu_info *ci = get_cpu_info();
	struct vcpu *prev = ci->curr, *next;
	unsigned long flags;
	bool prev_runnable = prev && vcpu_runnable(prev);

	if (prev_runnable && !ci->need_resched)
		return;
	ci->need_resched = false;
	ci->slice_ticks = 0;

	flags = spin_lock_irqsave(&rq_lock);
	next = rq_pop();
	if (next)
		next->processor = (int)ci->cpu;
	spin_unlock_irqrestore(&rq_lock, flags);

	if (!next && prev_runnable)
		return;		/* nobody else wants the CPU */

	if (prev) {
		vcpu_runstate_change(prev, prev_runnable ? RUNSTATE_runnable :
				     (READ_ONCE(prev->pause_flags) & VPF_BLOCKED) ?
				     RUNSTATE_blocked : RUNSTATE_offline, now_ns());
		vcpu_runstate_publish(prev);
		pv_save_vcpu(prev, guest_regs());
		/*
		 * Straight from prev's page tables to next's (one CR3 write,
		 * not two through the idle tables), and before prev is let go
		 * below: from then on its domain may free them, and no CPU
		 * may still have them in CR3. A vCPU off every CPU has nothing
		 * in any TLB (mm.c's flushes rely on it): next's CR3 load
		 * drops prev's entries.
		 */
		if (next)
			pv_load_vcpu(next, guest_regs());
		else
			pv_unload_vcpu();
		flags = spin_lock_irqsave(&rq_lock);
		prev->processor = -1;
		/*
		 * Look again, under the lock: another CPU may have woken prev
		 * since prev_runnable was read. Its vcpu_wake() saw prev still
		 * on this CPU and left the queueing to us; without this check
		 * that wakeup would be lost and prev would sleep for ever.
		 */
		if (vcpu_runnable(prev))
			rq_push(prev);
		spin_unlock_irqrestore(&rq_lock, flags);
		ci->curr = NULL;
	}
	if (!next)
		sched_go_idle();
	ci->curr = next;
	if (!prev)
		pv_load_vcpu(next, guest_regs());
	vcpu_runstate_change(next, RUNSTATE_running, now_ns());
	vcpu_runstate_publish(next);
}

__noreturn void sched_go_idle(void)
{
	arch_reset_stack_and_call(idle_loop);
}

__noreturn void sched_start_cpu(void)
{
	sched_go_idle();
}
