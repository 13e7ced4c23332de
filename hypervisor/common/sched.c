// SPDX-License-Identifier: GPL-2.0-only
/*
 * Round-robin scheduling over one run queue shared by all CPUs. A vCPU
 * is on at most one CPU: it leaves the queue when a CPU picks it and
 * rejoins only after that CPU has saved its state, so no other CPU can
 * load stale registers. Real scheduling (weights, per-CPU queues) comes
 * later; this is enough to run several vCPUs fairly.
 *
 * Lazy idle switching. A CPU that goes idle because its vCPU blocked
 * keeps that vCPU's page tables in CR3 (under TCG every CR3 write flushes
 * the whole soft TLB, and an I/O-bound dom0 blocks and wakes for every
 * interrupt it waits for); if the same vCPU wakes, it resumes there with
 * no CR3 write (pv_resume_vcpu). Such a vCPU is "lazy": v->lazy is set,
 * ci->lazy on its CPU points at it, and v->processor still names that
 * CPU. The invariants, all under rq_lock:
 *  1. A lazy vCPU is on no run queue and no other CPU can pick it: only
 *     its holder resumes it, or lets it go (lazy_release) after loading
 *     other page tables, and only then may it be queued. So before any
 *     other CPU runs @v, the holder has dropped @v's tables.
 *  2. Only a vCPU that merely waits for an event stays lazy
 *     (lazy_keepable). Whoever makes it down, paused, dying or shut down
 *     calls vcpu_sleep(), which kicks v->processor; the holder's idle
 *     loop then loads the idle page tables and lets go. Anyone who must
 *     see a vCPU off every CPU (domain_kill, through sched_vcpu_gone)
 *     waits for v->processor < 0, so for the holder too.
 *  3. Its roots do not change while lazy: only the vCPU itself
 *     (new_baseptr) and VCPUOP_initialise of a vCPU that never ran
 *     change them, and teardown comes after 2.
 *  4. A lazy holder is a CPU on guest tables to the TLB-flush clock
 *     (tlb_on_guest_tables) and to the guest's own flushes (flush_domain
 *     and vcpumask_cpus go by v->processor): it is flushed like a CPU
 *     running @v, so a freed or retyped frame is no more reachable
 *     through its TLB than through a running one's.
 *  5. A CPU that runs a vCPU holds none lazily (ci->curr set means
 *     ci->lazy is NULL): it lets go when it picks another one.
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

/*
 * May an idle CPU keep @v's page tables (invariant 2)? Only while @v is
 * runnable or merely blocked: any other state may come with its frames
 * going away or with someone waiting for it to be off every CPU.
 */
static bool lazy_keepable(const struct vcpu *v)
{
	return !(READ_ONCE(v->pause_flags) & ~VPF_BLOCKED) && !v->domain->is_dying &&
	       !v->domain->is_shut_down;
}

/* Called with rq_lock held. */
static void rq_push(struct vcpu *v)
{
	BUG_ON(v->lazy);	/* invariant 1 */
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
	int holder = -1;

	if (vcpu_runnable(v) && v->lazy) {
		holder = v->processor;	/* it resumes @v itself */
	} else if (vcpu_runnable(v) && v->processor < 0 && !v->on_runqueue) {
		rq_push(v);
		queued = true;
	}
	spin_unlock_irqrestore(&rq_lock, flags);
	/* An idle CPU would otherwise notice only at its next timer tick. */
	if (queued)
		cpu_kick_idle();
	else if (holder >= 0)
		cpu_kick((unsigned int)holder);	/* none if it is us: we are in its idle loop */
}

bool vcpu_is_lazy(const struct vcpu *v)
{
	return READ_ONCE(v->lazy);
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

/*
 * Let go of the vCPU this idle CPU held lazily; CR3 is already other
 * page tables (the next vCPU's or the idle ones), so from the moment
 * v->processor is -1 nothing of @v's is in this CPU's CR3 (invariant 1).
 * A wake-up that came meanwhile kicked us and left the queueing to us.
 */
static void lazy_release(struct cpu_info *ci, struct vcpu *v)
{
	unsigned long flags = spin_lock_irqsave(&rq_lock);
	bool queued = false;

	BUG_ON(ci->lazy != v || !v->lazy || v->processor != (int)ci->cpu);
	v->lazy = false;
	ci->lazy = NULL;
	v->processor = -1;
	if (vcpu_runnable(v)) {
		rq_push(v);
		queued = true;
	}
	spin_unlock_irqrestore(&rq_lock, flags);
	if (queued)
		cpu_kick_idle();
}

/* Idle: wait for work, then enter a guest on a fresh stack. */
static __noreturn void idle_loop(void)
{
	struct cpu_info *ci = get_cpu_info();

	for (;;) {
		struct vcpu *next, *lazy;
		unsigned long flags;

		local_irq_disable();
		/* Idle first, then look: a vCPU queued after the look kicks us. */
		cpu_set_idle(true);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		flags = spin_lock_irqsave(&rq_lock);
		lazy = ci->lazy;
		if (lazy && vcpu_runnable(lazy)) {
			/* Ours again: it never left this CPU (processor is us). */
			next = lazy;
			lazy->lazy = false;
			ci->lazy = NULL;
		} else {
			next = rq_pop();
			if (next)
				next->processor = (int)ci->cpu;
		}
		spin_unlock_irqrestore(&rq_lock, flags);
		if (next) {
			cpu_set_idle(false);
			ci->curr = next;
			ci->slice_ticks = 0;
			ci->need_resched = false;
			if (next == lazy) {
				pv_resume_vcpu(next, guest_regs());
			} else {
				/* Straight from the lazy tables to next's: one CR3 write. */
				pv_load_vcpu(next, guest_regs());
				if (lazy)
					lazy_release(ci, lazy);
			}
			vcpu_runstate_change(next, RUNSTATE_running, now_ns());
			vcpu_runstate_publish(next);
			/* A vCPU woken by an event gets it before it runs again. */
			pv_deliver_events(guest_regs());
			pv_enter_guest(guest_regs());
		}
		if (lazy && !lazy_keepable(lazy)) {
			/* Invariant 2: it is going down or away; drop its tables. */
			pv_unload_vcpu();
			lazy_release(ci, lazy);
			continue;
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
	bool keep_lazy;

	BUG_ON(ci->lazy);	/* invariant 5 */
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
		 * drops prev's entries. With nobody to run, this CPU keeps
		 * prev's tables and prev itself lazily (see the top), unless
		 * prev is on its way down or out. A state change after this
		 * look kicks v->processor, still us, and the idle loop drops.
		 */
		keep_lazy = !next && lazy_keepable(prev);
		if (next)
			pv_load_vcpu(next, guest_regs());
		else if (!keep_lazy)
			pv_unload_vcpu();
		flags = spin_lock_irqsave(&rq_lock);
		if (keep_lazy) {
			/*
			 * A wake-up since prev_runnable was read saw prev
			 * neither queued nor lazy and left it to us: the idle
			 * loop finds it runnable and resumes it.
			 */
			prev->lazy = true;
			ci->lazy = prev;
		} else {
			prev->processor = -1;
			/*
			 * Look again, under the lock: another CPU may have woken
			 * prev since prev_runnable was read. Its vcpu_wake() saw
			 * prev still on this CPU and left the queueing to us;
			 * without this check that wakeup would be lost and prev
			 * would sleep for ever.
			 */
			if (vcpu_runnable(prev))
				rq_push(prev);
		}
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
