// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC: each CPU's timer, EOI, and inter-processor signals. We
 * use xAPIC MMIO: it exists on every x86-64 CPU and in every QEMU model.
 * The legacy 8259 PICs are masked; nothing here uses them.
 */
#include <hv/bug.h>
#include <hv/printk.h>
#include <hv/sched.h>
#include <asm/apic.h>
#include <asm/desc.h>
#include <asm/io.h>
#include <asm/paging.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/time.h>
#include <asm/watchdog.h>
#include <hv/sched.h>
#include <hv/timer.h>

/* Register offsets */
#define APIC_ID		0x020
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ESR	0x280
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0

#define SVR_ENABLE		(1u << 8)
#define LVT_MASKED		(1u << 16)
#define LVT_DELIVERY_NMI	(4u << 8)
#define TIMER_DIV_16		0x3
#define ICR_DELIVERY_FIXED	(0u << 8)
#define ICR_DELIVERY_INIT	(5u << 8)
#define ICR_DELIVERY_STARTUP	(6u << 8)
#define ICR_DELIVERY_NMI	(4u << 8)
#define ICR_PENDING		(1u << 12)
#define ICR_LEVEL_ASSERT	(1u << 14)
#define ICR_TRIGGER_LEVEL	(1u << 15)
#define ICR_ALL_BUT_SELF	(3u << 18)
#define ICR_DEST_SHIFT		24

#define PIC1_DATA	0x21
#define PIC2_DATA	0xa1
#define PIC_MASK_ALL	0xff

/* Calibration window for the APIC timer, in microseconds. */
#define CALIBRATE_US	10000
/* Waits in the INIT-SIPI-SIPI sequence (Intel SDM's universal start-up algorithm). */
#define INIT_DEASSERT_WAIT_US	10000
#define SIPI_WAIT_US		200
#define ICR_SPIN_LIMIT		1000000

/* Set once on the boot CPU before APs start; read-only after. */
static volatile uint8_t *apic_base;
static uint32_t timer_ticks_per_sec;

static uint32_t apic_read(unsigned int reg) { return mmio_read32(apic_base + reg); }
static void apic_write(unsigned int reg, uint32_t v) { mmio_write32(apic_base + reg, v); }

bool apic_is_mapped(void)
{
	return apic_base != NULL;
}

void apic_map(paddr_t phys)
{
	uint64_t base_msr = rdmsr(MSR_APIC_BASE);

	apic_base = ioremap(phys, PAGE_SIZE);
	BUG_ON(!apic_base);
	if (!(base_msr & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, base_msr | APIC_BASE_ENABLE);
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}

uint32_t apic_read_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

void apic_init_cpu(void)
{
	bool bsp = rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP;

	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, LVT_MASKED);
	/*
	 * LINT1 carries the platform's NMIs (the chipset's SERR/IOCHK, a
	 * BMC's or QEMU's "nmi"): on the boot CPU only, as PC convention has
	 * it, so each is taken once (traps.c reports them and goes on).
	 */
	apic_write(APIC_LVT_LINT1, bsp ? LVT_DELIVERY_NMI : LVT_MASKED);
	apic_write(APIC_LVT_ERROR, LVT_MASKED);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
	apic_write(APIC_ESR, 0);
	apic_eoi();
}

void apic_eoi(void)
{
	if (apic_base)
		apic_write(APIC_EOI, 0);
}

void apic_timer_calibrate(void)
{
	uint32_t elapsed;

	apic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	apic_write(APIC_LVT_TIMER, LVT_MASKED);
	apic_write(APIC_TIMER_INIT, UINT32_MAX);
	udelay(CALIBRATE_US);
	elapsed = UINT32_MAX - apic_read(APIC_TIMER_CUR);
	apic_write(APIC_TIMER_INIT, 0);
	timer_ticks_per_sec = (uint32_t)((uint64_t)elapsed * 1000000 / CALIBRATE_US);
	if (!timer_ticks_per_sec)
		panic("APIC timer does not count");
	pr_info("APIC timer: %u kHz (divide by 16), one-shot, scheduler tick %u Hz\n",
		timer_ticks_per_sec / 1000, APIC_TIMER_HZ);
}

/* Shortest delay we program: shorter ones would just interrupt the interrupt. */
#define MIN_DELAY_NS	20000
#define NS_PER_SEC	1000000000ULL
#define TICK_NS		(NS_PER_SEC / APIC_TIMER_HZ)

/* One-shot: fire once after @delta_ns. */
static void apic_timer_oneshot(uint64_t delta_ns)
{
	uint64_t count;

	if (delta_ns < MIN_DELAY_NS)
		delta_ns = MIN_DELAY_NS;
	count = delta_ns / 1000 * timer_ticks_per_sec / 1000000;
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	if (!count)
		count = 1;
	apic_write(APIC_LVT_TIMER, LAPIC_TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, (uint32_t)count);
}

/*
 * The timer interrupt is one-shot, for whichever comes first: the next
 * hypervisor timer on this CPU or the scheduler tick.
 */
void arch_timer_reprogram(void)
{
	struct cpu_info *ci = get_cpu_info();
	uint64_t next = min(timer_next_deadline(), ci->next_tick), now = now_ns();

	apic_timer_oneshot(next > now ? next - now : 0);
}

void apic_timer_start(void)
{
	apic_write(APIC_TIMER_DIV, TIMER_DIV_16);
	get_cpu_info()->next_tick = now_ns() + TICK_NS;
	arch_timer_reprogram();
}

void apic_timer_interrupt(void)
{
	struct cpu_info *ci = get_cpu_info();
	uint64_t now = now_ns();

	ci->timer_ticks++;
	apic_eoi();
	watchdog_tick(now);
	timer_run_expired(now);
	if (now >= ci->next_tick) {
		ci->next_tick = now + TICK_NS;
		sched_tick();
		if (ci->cpu == 0)
			console_poll_input();
	}
	arch_timer_reprogram();
}

static void icr_wait(void)
{
	for (unsigned int i = 0; i < ICR_SPIN_LIMIT && (apic_read(APIC_ICR_LO) & ICR_PENDING); i++)
		cpu_relax();
}

static void send_ipi(uint32_t dest, uint32_t lo)
{
	icr_wait();
	apic_write(APIC_ICR_HI, dest << ICR_DEST_SHIFT);
	apic_write(APIC_ICR_LO, lo);
	icr_wait();
}

void apic_start_ap(uint32_t apic_id, paddr_t page)
{
	uint32_t vector = (uint32_t)(page >> PAGE_SHIFT);

	BUG_ON(page & ~PAGE_MASK || page >= 0x100000);
	send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT | ICR_TRIGGER_LEVEL);
	send_ipi(apic_id, ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL);
	udelay(INIT_DEASSERT_WAIT_US);
	for (int i = 0; i < 2; i++) {
		send_ipi(apic_id, ICR_DELIVERY_STARTUP | vector);
		udelay(SIPI_WAIT_US);
	}
}

void apic_nmi_others(void)
{
	if (!apic_base)
		return;
	send_ipi(0, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT | ICR_ALL_BUT_SELF);
}

void apic_send_nmi(uint32_t apic_id)
{
	send_ipi(apic_id, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

void apic_send_fixed(uint32_t apic_id, uint8_t vector)
{
	send_ipi(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}
