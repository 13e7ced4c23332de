// SPDX-License-Identifier: GPL-2.0-only
/*
 * The watchdog: a freeze is never silent. Every CPU takes a timer
 * interrupt at least APIC_TIMER_HZ times a second wherever interrupts are
 * on (guests, whose real IF stays set, and the idle loop), so a CPU whose
 * tick count stands still for WATCHDOG_TIMEOUT_NS is stuck in the
 * hypervisor with interrupts off. Each CPU, in its own timer interrupt,
 * watches the next online CPU (a ring, so each CPU has exactly one
 * watcher); on a stall it asks that CPU for a report and sends it an NMI,
 * and the stuck CPU's NMI handler (traps.c) prints its registers and stack
 * and returns to whatever it was doing. One report per stall, and none for
 * WATCHDOG_QUIET_NS after one: a guest's long hypercall could otherwise
 * fill the console. With one CPU nobody watches (best effort: nothing).
 *
 * The watcher prints nothing itself: the stuck CPU may hold console_lock,
 * and the NMI handler's printk is the one that knows not to wait for it.
 */
#include <hv/arch.h>
#include <hv/cmdline.h>
#include <hv/printk.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/watchdog.h>

#define NS_PER_MS		1000000ULL
#define WATCHDOG_TIMEOUT_NS	(1000 * NS_PER_MS)
#define WATCHDOG_QUIET_NS	(10000 * NS_PER_MS)
#define SELFTEST_SPIN_NS	(2000 * NS_PER_MS)

/* What a watcher knows of the CPU it watches; only that watcher touches it. */
struct watch {
	uint64_t ticks;		/* the CPU's timer_ticks when last seen moving */
	uint64_t since;		/* ns: when they were last seen moving */
	uint64_t reported_at;	/* ns: its last report, 0 if none */
	bool reported;		/* this stall has been reported */
};
static struct watch watches[NR_CPUS];

/*
 * Set by the watcher before its NMI, taken by the stuck CPU in the NMI:
 * the stall's length in ms, 0 when no report is asked for.
 */
static volatile uint64_t report_stuck_ms[NR_CPUS];

/* Set once by the boot CPU when boot is done (dom0 built). */
static volatile bool watchdog_armed;

/* watchdog_selftest: the boot CPU spins 2 s with interrupts off at the end of boot. */
static bool opt_watchdog_selftest;
boolean_param("watchdog_selftest", opt_watchdog_selftest);

void watchdog_tick(uint64_t now)
{
	unsigned int me = smp_processor_id(), n = arch_cpus_online(), cpu;
	const struct cpu_info *ci;
	struct watch *w;
	uint32_t apic_id;
	uint64_t ticks;

	if (!READ_ONCE(watchdog_armed) || n < 2)
		return;
	/* CPUs 0 .. n-1 are the ones online (smp.c numbers them so). */
	cpu = (me + 1) % n;
	ci = smp_cpu_info(cpu);
	if (!ci || !arch_cpu_apic_id(cpu, &apic_id))
		return;
	w = &watches[cpu];
	ticks = READ_ONCE(ci->timer_ticks);
	if (ticks != w->ticks || !w->since) {
		w->ticks = ticks;
		w->since = now;
		w->reported = false;
		return;
	}
	if (w->reported || now - w->since < WATCHDOG_TIMEOUT_NS)
		return;
	w->reported = true;
	if (w->reported_at && now - w->reported_at < WATCHDOG_QUIET_NS)
		return;
	w->reported_at = now;
	WRITE_ONCE(report_stuck_ms[cpu], (now - w->since) / NS_PER_MS);
	apic_send_nmi(apic_id);
}

uint64_t watchdog_take_request(void)
{
	unsigned int me = smp_processor_id();

	return __atomic_exchange_n(&report_stuck_ms[me], 0, __ATOMIC_SEQ_CST);
}

/* noinline: the report's stack trace shows this frame. */
static __attribute__((noinline)) void selftest_spin(uint64_t ns)
{
	unsigned long flags = local_irq_save();
	uint64_t end = now_ns() + ns;

	while (now_ns() < end)
		cpu_relax();
	local_irq_restore(flags);
}

void watchdog_arm(void)
{
	WRITE_ONCE(watchdog_armed, true);
	if (!opt_watchdog_selftest)
		return;
	pr_info("watchdog_selftest: CPU %u spins for %llu ms with interrupts off%s\n",
		smp_processor_id(), SELFTEST_SPIN_NS / NS_PER_MS,
		arch_cpus_online() < 2 ? " (one CPU: nobody watches it)" : "");
	selftest_spin(SELFTEST_SPIN_NS);
	pr_info("watchdog_selftest: done, going on\n");
}
