// SPDX-License-Identifier: GPL-2.0-only
/*
 * Cross-CPU requests (asm/ipi.h). Each CPU has a flush generation other
 * CPUs raise and it acknowledges after reloading CR3; a sender waits for
 * its own generation, so a flush that began before its request never
 * counts for it. Kicks only count: cpu_sync_others waits for the count
 * to move.
 */
#include <hv/arch.h>
#include <hv/printk.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/ipi.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/tlb-clock.h>
#include <asm/time.h>

/* How long a sender waits for an answer before it reports a stuck CPU. */
#define IPI_WAIT_NS	(2ULL * 1000 * 1000 * 1000)

static volatile uint64_t flush_requested[NR_CPUS];
static volatile uint64_t flush_done[NR_CPUS];
static volatile uint64_t kicks_taken[NR_CPUS];
static volatile bool cpu_idle[NR_CPUS];
/* In cpu_sync_others' wait: holds no other domain's pointer meanwhile. */
static volatile bool cpu_syncing[NR_CPUS];

static bool send(unsigned int cpu, uint8_t vector)
{
	uint32_t apic_id;

	if (!arch_cpu_apic_id(cpu, &apic_id))
		return false;
	apic_send_fixed(apic_id, vector);
	return true;
}

void cpu_kick(unsigned int cpu)
{
	if (cpu != smp_processor_id())
		(void)send(cpu, EVENT_CHECK_VECTOR);
}

void cpu_set_idle(bool idle)
{
	WRITE_ONCE(cpu_idle[smp_processor_id()], idle);
}

void cpu_kick_idle(void)
{
	unsigned int me = smp_processor_id();

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int c = 0; c < NR_CPUS; c++)
		if (c != me && READ_ONCE(cpu_idle[c]))
			(void)send(c, EVENT_CHECK_VECTOR);
}

void tlb_flush_service(void)
{
	unsigned int me = smp_processor_id();
	uint64_t want = __atomic_load_n(&flush_requested[me], __ATOMIC_ACQUIRE);

	if (want == flush_done[me])
		return;
	tlb_flush_local();
	__atomic_store_n(&flush_done[me], want, __ATOMIC_RELEASE);
}

void flush_tlb_mask(cpumask_t mask)
{
	unsigned int me = smp_processor_id();
	uint64_t want[NR_CPUS];
	uint64_t deadline;

	if (mask & CPU_BIT(me))
		tlb_flush_local();
	mask &= ~CPU_BIT(me);
	/* Our page-table writes are visible before anyone is asked to flush. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!(mask & CPU_BIT(c)))
			continue;
		want[c] = __atomic_add_fetch(&flush_requested[c], 1, __ATOMIC_SEQ_CST);
		if (!send(c, TLB_FLUSH_VECTOR))
			mask &= ~CPU_BIT(c);
	}
	deadline = now_ns() + IPI_WAIT_NS;
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!(mask & CPU_BIT(c)))
			continue;
		while ((int64_t)(__atomic_load_n(&flush_done[c], __ATOMIC_ACQUIRE) - want[c]) < 0) {
			/* It may be waiting for our flush in turn. */
			tlb_flush_service();
			cpu_relax();
			if (now_ns() > deadline) {
				pr_err("CPU %u: CPU %u does not answer a TLB flush\n", me, c);
				deadline = now_ns() + IPI_WAIT_NS;
			}
		}
	}
}

void cpu_sync_others(void)
{
	unsigned int me = smp_processor_id();
	uint64_t seen[NR_CPUS];
	cpumask_t mask = 0;
	uint64_t deadline;
	bool warned = false;

	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (c == me)
			continue;
		seen[c] = __atomic_load_n(&kicks_taken[c], __ATOMIC_ACQUIRE);
		if (send(c, EVENT_CHECK_VECTOR))
			mask |= CPU_BIT(c);
	}
	/*
	 * Two CPUs may each wait here for the other (two destroys at once):
	 * one that waits here counts as out, since it looks nothing up.
	 */
	WRITE_ONCE(cpu_syncing[me], true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	deadline = now_ns() + IPI_WAIT_NS;
	for (unsigned int c = 0; c < NR_CPUS; c++) {
		if (!(mask & CPU_BIT(c)))
			continue;
		while (__atomic_load_n(&kicks_taken[c], __ATOMIC_ACQUIRE) == seen[c] &&
		       !READ_ONCE(cpu_syncing[c])) {
			tlb_flush_service();
			cpu_relax();
			if (now_ns() > deadline) {
				/* Once per sync: a guest's long hypercall can cause it. */
				if (!warned)
					pr_warn("CPU %u: CPU %u is still in the hypervisor; waiting\n",
						me, c);
				warned = true;
				(void)send(c, EVENT_CHECK_VECTOR);
				deadline = now_ns() + IPI_WAIT_NS;
			}
		}
	}
	WRITE_ONCE(cpu_syncing[me], false);
}

void ipi_interrupt(unsigned int vector)
{
	unsigned int me = smp_processor_id();

	apic_eoi();
	if (vector == TLB_FLUSH_VECTOR)
		tlb_flush_service();
	else
		__atomic_add_fetch(&kicks_taken[me], 1, __ATOMIC_RELEASE);
}
