// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TLB-flush clock (asm/tlb-clock.h). Why it is correct: a frame's
 * stamp S is read after the entry that mapped it was written away (a full
 * fence in between). A CPU whose clock value T for its last CR3 load is
 * greater than S took T after S was read, and loaded CR3 after that (the
 * locked increment is a full barrier and MOV to CR3 serialises), so after
 * the entry was gone: whatever it caches is not stale. A CPU with T <= S
 * may be; it is flushed. The per-CPU T is stored after the load, so a
 * reader may see an older T than the truth and flush once too often,
 * never once too few. 64 bits: the clock does not wrap in a machine's
 * lifetime, so no stamp can ever look newer than it is.
 *
 * A CPU whose CR3 is the idle page tables caches nothing of any guest
 * (those map only the hypervisor, and it loaded them, flushing, after it
 * last ran a guest), so it is never asked to flush on a guest's behalf.
 * An idle CPU that kept the page tables of the vCPU it last ran (sched.c,
 * lazy idle switching) is on guest tables: it is asked like a CPU running
 * that vCPU, and its flush (tlb_flush_service) reloads those tables. That
 * is enough: the tables themselves cannot go while it holds them, since
 * the vCPU's roots keep their type references until it is let go.
 */
#include <hv/arch.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/ipi.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/tlb-clock.h>

/*
 * Advanced (atomically) by every CR3 load on every CPU; starts above 0.
 * Global for entry.S, whose fast paths load CR3 the same way (its
 * TLB_LOAD_CR3). The per-CPU half is in struct cpu_info (percpu.h).
 */
uint64_t tlb_clock __hot_data __aligned(64) = 1;	/* its own cache line: every CPU writes it */

void tlb_load_cr3(unsigned long cr3)
{
	struct cpu_info *ci = get_cpu_info();
	uint64_t t = __atomic_add_fetch(&tlb_clock, 1, __ATOMIC_SEQ_CST);

	write_cr3(cr3);
	__atomic_store_n(&ci->tlb_flushed_at, t, __ATOMIC_RELEASE);
	WRITE_ONCE(ci->tlb_on_guest_tables, cr3 != idle_pg_table_cr3);
	ci->tlb_cr3_loads++;
}

void tlb_flush_local(void)
{
	tlb_load_cr3(read_cr3());
}

uint64_t tlb_clock_now(void)
{
	/* The caller's page-table write is visible before the clock is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&tlb_clock, __ATOMIC_SEQ_CST);
}

void tlb_flush_stale(uint64_t stamp)
{
	cpumask_t mask = 0;

	if (!stamp)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int c = 0; c < arch_cpus_online() && c < NR_CPUS; c++) {
		const struct cpu_info *ci = smp_cpu_info(c);

		if (ci && READ_ONCE(ci->tlb_on_guest_tables) &&
		    __atomic_load_n(&ci->tlb_flushed_at, __ATOMIC_ACQUIRE) <= stamp)
			mask |= CPU_BIT(c);
	}
	if (mask)
		flush_tlb_mask(mask);
}

uint64_t tlb_cr3_loads(unsigned int cpu)
{
	const struct cpu_info *ci = smp_cpu_info(cpu);

	return ci ? READ_ONCE(ci->tlb_cr3_loads) : 0;
}

uint64_t arch_tlb_clock_now(void)
{
	return tlb_clock_now();
}

void arch_tlb_flush_stale(uint64_t stamp)
{
	tlb_flush_stale(stamp);
}
