/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scheduler: a round-robin run queue shared by all CPUs. vCPUs run
 * until they block, yield, stop or their time slice ends on a timer tick.
 * Hypervisor code never sleeps: "switching" only changes which guest
 * state the next return-to-guest restores.
 */
#pragma once
#include <hv/types.h>

struct vcpu;

/* Mark @v runnable (if nothing pauses it) and queue it. Any context. */
void vcpu_wake(struct vcpu *v);

/* If @v runs on another CPU, make that CPU look at it again (a new event). */
void vcpu_notify(struct vcpu *v);

/*
 * Take @v off the CPUs (it stays off until vcpu_wake and no pause flags).
 * Call it after setting any pause flag but VPF_BLOCKED: it also makes an
 * idle CPU that still holds @v's page tables (sched.c, lazy idle
 * switching) drop them.
 */
void vcpu_sleep(struct vcpu *v);

/* Is @v off every CPU but for an idle CPU that still has its page tables? */
bool vcpu_is_lazy(const struct vcpu *v);

/*
 * For destruction: @v can never run again (VPF_DYING is set). True once
 * no CPU runs it or holds its page tables and the run queue no longer
 * holds it (it is dropped from there now); false while a CPU still does,
 * which leaves it at its next exit to the guest (or, idle, at the kick
 * vcpu_sleep sent). Then nothing in the scheduler refers to @v.
 */
bool sched_vcpu_gone(struct vcpu *v);

/* The vCPU running on this CPU, or NULL in the idle loop. */
struct vcpu *current_vcpu(void);

/*
 * Called on the way back to a guest and from the idle loop: if the current
 * vCPU cannot run or its slice is over, switch to the next runnable one or
 * go idle. Does not return when it switches stacks.
 */
void schedule(void);

/* Timer tick on this CPU: account the slice, request a reschedule when due. */
void sched_tick(void);

/* Leave the current context for the idle loop on a fresh stack. */
__noreturn void sched_go_idle(void);

/* Enter the scheduler for the first time on this CPU (never returns). */
__noreturn void sched_start_cpu(void);

/* Ask this CPU to reschedule at the next exit to the guest. */
void raise_reschedule(void);
