/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Requests from one CPU to the others: look at your vCPU again (an event
 * or a wakeup arrived), flush your TLB, and "wait until every other CPU has
 * left the hypervisor once" (the grace period before a domain's memory is
 * freed). The hypervisor runs with interrupts off, so an interrupt is only
 * taken in a guest or in the idle loop: taking one proves the CPU holds no
 * hypervisor pointer from before.
 */
#pragma once
#include <hv/types.h>

/* A mask of logical CPUs (NR_CPUS is 64). */
typedef uint64_t cpumask_t;
#define CPU_BIT(c)	(1ULL << (c))

/* Make @cpu go through its exit-to-guest path (or its idle loop) soon. */
void cpu_kick(unsigned int cpu);

/* Kick every idle CPU: a vCPU was queued that one of them can run. */
void cpu_kick_idle(void);

/* Mark this CPU idle (about to halt) or busy, for cpu_kick_idle. */
void cpu_set_idle(bool idle);

/*
 * Flush the TLBs of the CPUs in @mask (this one included if set) and wait
 * until they have. Safe with locks held: a CPU spinning on a lock serves
 * flush requests while it waits (hv/spinlock.h).
 */
void flush_tlb_mask(cpumask_t mask);

/* Serve a flush another CPU asked of this one, if any. Any context. */
void tlb_flush_service(void);

/*
 * Return once every other online CPU has taken an interrupt, i.e. has been
 * in a guest or idle, since the call: nothing it looked up before can
 * still be in use. The hypervisor runs with interrupts off, so that is
 * when a CPU's current hypercall or interrupt handler is over, however
 * long it takes (a guest's biggest batch): this never gives up, since
 * what the caller would do next (free a domain) must not happen before.
 * A CPU that is slow to answer is reported, and kicked again.
 */
void cpu_sync_others(void);

/* The interrupt handler for EVENT_CHECK_VECTOR and TLB_FLUSH_VECTOR. */
void ipi_interrupt(unsigned int vector);
