// SPDX-License-Identifier: GPL-2.0-only
/*
 * Bringing up the other CPUs, one at a time: each gets a stack block, a
 * GDT/TSS, its APIC and timer, then idles. The boot CPU waits (bounded)
 * for each to report in, so a CPU that never starts is reported rather
 * than hanging boot.
 */
#include <hv/arch.h>
#include <hv/bootinfo.h>
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/printk.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <hv/sched.h>
#include <asm/time.h>
#include <asm/watchdog.h>

#define AP_START_TIMEOUT_US	1000000
#define AP_POLL_US		100
/* Ticks each CPU must see before we call its timer working. */
#define TIMER_TEST_TICKS	3
#define TIMER_TEST_TIMEOUT_US	2000000

extern const char trampoline_start[], trampoline_end[];
extern char bsp_stack_block[];
extern uint64_t boot_pml4[];
void ap_entry64(void);
__noreturn void reset_stack_and_call(void (*fn)(void), unsigned long rsp);

struct tramp_params {
	uint32_t cr3;
	uint32_t efer;
	uint64_t stack;
	uint64_t target;
} __packed;
extern const char tramp_params[];

/* Boot CPU writes before the AP starts; the AP reads. */
static struct cpu_info *cpu_infos[NR_CPUS];
static volatile unsigned int cpus_online = 1;
static volatile bool ap_started;
/* Set by the boot CPU once boot is done: APs may then schedule vCPUs. */
volatile bool smp_boot_done;
static void *ap_stack_block;

unsigned int arch_cpus_online(void)
{
	return cpus_online;
}

bool arch_cpu_apic_id(unsigned int cpu, uint32_t *apic_id)
{
	if (cpu >= NR_CPUS || !cpu_infos[cpu])
		return false;
	*apic_id = cpu_infos[cpu]->apic_id;
	return true;
}

struct cpu_info *smp_cpu_info(unsigned int cpu)
{
	return cpu < NR_CPUS ? cpu_infos[cpu] : NULL;
}

void start_secondary(void);
void start_secondary(void)
{
	struct cpu_info *ci = get_cpu_info();

	desc_init_cpu(ci->cpu, ap_stack_block);
	cpu_init_protection();
	apic_init_cpu();
	ci->apic_id = apic_read_id();
	apic_timer_start();
	pv_cpu_init();
	__atomic_add_fetch(&cpus_online, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(ap_started, true);
	pr_info("CPU %u: online (APIC id %u)\n", ci->cpu, ci->apic_id);
	/* Idle until a vCPU is runnable; the timer wakes the idle loop. */
	local_irq_enable();
	while (!READ_ONCE(smp_boot_done))
		halt();
	sched_start_cpu();
}

static struct cpu_regs *guest_regs_of(struct cpu_info *ci)
{
	return (struct cpu_regs *)((char *)ci - REGS_SIZE);
}

static bool start_one(unsigned int cpu, uint32_t apic_id)
{
	struct tramp_params *p;
	struct cpu_info *ci;
	void *block = alloc_pages(STACK_ORDER);
	uint8_t *tramp = maddr_to_virt(TRAMPOLINE_PHYS);

	if (!block) {
		pr_err("CPU %u: no memory for its stack\n", cpu);
		return false;
	}
	paging_unmap_page((unsigned long)block + STACK_GUARD_PAGE * PAGE_SIZE);
	ci = stack_block_cpu_info(block);
	ci->self = ci;
	ci->cpu = cpu;
	ci->apic_id = apic_id;
	cpu_infos[cpu] = ci;

	memcpy(tramp, trampoline_start, (size_t)(trampoline_end - trampoline_start));
	p = (struct tramp_params *)(tramp + (tramp_params - trampoline_start));
	p->cr3 = (uint32_t)virt_to_maddr(boot_pml4);
	p->efer = EFER_LME | (cpu_has_nx ? EFER_NXE : 0);
	p->stack = (uint64_t)guest_regs_of(ci);	/* below the guest frame */
	p->target = (uint64_t)ap_entry64;
	ap_stack_block = block;
	ap_started = false;
	barrier();

	apic_start_ap(apic_id, TRAMPOLINE_PHYS);
	for (unsigned long waited = 0; waited < AP_START_TIMEOUT_US; waited += AP_POLL_US) {
		if (READ_ONCE(ap_started))
			return true;
		udelay(AP_POLL_US);
	}
	pr_err("CPU %u (APIC id %u) did not start\n", cpu, apic_id);
	return false;
}

static void wait_for_ticks(void)
{
	uint64_t deadline = now_ns() + (uint64_t)TIMER_TEST_TIMEOUT_US * 1000;

	for (unsigned int cpu = 0; cpu < NR_CPUS; cpu++) {
		struct cpu_info *ci = cpu_infos[cpu];

		if (!ci)
			continue;
		while (READ_ONCE(ci->timer_ticks) < TIMER_TEST_TICKS && now_ns() < deadline)
			halt();
		pr_info("CPU %u: timer %s (%llu ticks)\n", cpu,
			ci->timer_ticks >= TIMER_TEST_TICKS ? "ticking" : "NOT ticking",
			(unsigned long long)ci->timer_ticks);
	}
}

void arch_platform_init(const struct boot_info *bi)
{
	const struct acpi_cpus *ac;
	struct cpu_info *bsp = stack_block_cpu_info(bsp_stack_block);
	unsigned int next = 1;

	desc_init_cpu(0, bsp_stack_block);
	pv_cpu_init();
	tsc_calibrate();
	acpi_init(bi);
	ioapic_init();
	ac = acpi_get_cpus();
	apic_map(ac->lapic_phys ? ac->lapic_phys : APIC_DEFAULT_PHYS);
	apic_init_cpu();
	bsp->apic_id = apic_read_id();
	cpu_infos[0] = bsp;
	apic_timer_calibrate();
	apic_timer_start();
	local_irq_enable();

	for (unsigned int i = 0; i < ac->count; i++) {
		if (ac->apic_ids[i] == bsp->apic_id)
			continue;
		if (next >= NR_CPUS) {
			pr_warn("more than %u CPUs; the rest stay off\n", NR_CPUS);
			break;
		}
		if (start_one(next, ac->apic_ids[i]))
			next++;
	}
	wait_for_ticks();
}

void arch_stop_other_cpus(void)
{
	apic_nmi_others();
}

void arch_smp_boot_done(void)
{
	/*
	 * Only now: building dom0 may keep the boot CPU busy for seconds.
	 * (Its selftest runs here, before the other CPUs take vCPUs.)
	 */
	watchdog_arm();
	WRITE_ONCE(smp_boot_done, true);
}

__noreturn void arch_reset_stack_and_call(void (*fn)(void))
{
	reset_stack_and_call(fn, (unsigned long)get_cpu_info() - REGS_SIZE);
}

__noreturn void arch_idle_loop(void)
{
	for (;;) {
		local_irq_enable();
		halt();
	}
}
