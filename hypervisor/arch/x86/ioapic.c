// SPDX-License-Identifier: GPL-2.0-only
/*
 * The IOAPIC: routes the machine's GSIs (device interrupt lines) to a
 * vector on a CPU. Ward drives only the first IOAPIC of the MADT, and
 * only on behalf of dom0's physical interrupts (pv/pirq.c): every pin
 * stays masked until dom0 binds it. Each pin is written under ioapic_lock
 * (the index/data register pair is not atomic).
 */
#include <hv/bug.h>
#include <hv/lib.h>
#include <hv/printk.h>
#include <hv/spinlock.h>
#include <asm/acpi.h>
#include <asm/io.h>
#include <asm/ioapic.h>
#include <asm/paging.h>

#define IOAPIC_REGSEL		0x00
#define IOAPIC_WINDOW		0x10
#define IOAPIC_REG_VERSION	0x01
#define IOAPIC_REG_RTE_LO(pin)	(0x10 + 2 * (pin))
#define IOAPIC_REG_RTE_HI(pin)	(0x11 + 2 * (pin))
#define VERSION_MAX_PIN_SHIFT	16
#define RTE_POLARITY_LOW	(1u << 13)
#define RTE_TRIGGER_LEVEL	(1u << 15)
#define RTE_MASKED		(1u << 16)
#define RTE_DEST_SHIFT		24	/* in the high word: physical APIC id */
#define IOAPIC_MMIO_SIZE	0x20

/* Set once by ioapic_init() on the boot CPU; pins guarded by ioapic_lock. */
static volatile uint8_t *ioapic_base;
static uint32_t gsi_base, nr_pins;
static DEFINE_SPINLOCK(ioapic_lock);

static uint32_t reg_read(uint32_t reg)
{
	mmio_write32(ioapic_base + IOAPIC_REGSEL, reg);
	return mmio_read32(ioapic_base + IOAPIC_WINDOW);
}

static void reg_write(uint32_t reg, uint32_t v)
{
	mmio_write32(ioapic_base + IOAPIC_REGSEL, reg);
	mmio_write32(ioapic_base + IOAPIC_WINDOW, v);
}

void ioapic_init(void)
{
	const struct acpi_cpus *ac = acpi_get_cpus();

	if (!ac->ioapic_phys)
		return;
	ioapic_base = ioremap(ac->ioapic_phys, IOAPIC_MMIO_SIZE);
	if (!ioapic_base) {
		pr_warn("IOAPIC: cannot map %#llx\n", (unsigned long long)ac->ioapic_phys);
		return;
	}
	gsi_base = ac->ioapic_gsi_base;
	nr_pins = ((reg_read(IOAPIC_REG_VERSION) >> VERSION_MAX_PIN_SHIFT) & 0xff) + 1;
	nr_pins = min(nr_pins, (uint32_t)IOAPIC_MAX_GSIS);
	for (uint32_t pin = 0; pin < nr_pins; pin++)
		reg_write(IOAPIC_REG_RTE_LO(pin), RTE_MASKED);
	pr_info("IOAPIC: at %#llx, GSIs %u-%u, all masked\n",
		(unsigned long long)ac->ioapic_phys, gsi_base, gsi_base + nr_pins - 1);
}

paddr_t ioapic_phys(void)
{
	return ioapic_base ? acpi_get_cpus()->ioapic_phys : 0;
}

bool ioapic_has_gsi(uint32_t gsi)
{
	return ioapic_base && gsi >= gsi_base && gsi - gsi_base < nr_pins;
}

void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, bool level,
		  bool active_low)
{
	uint32_t pin = gsi - gsi_base;
	uint32_t lo = vector | RTE_MASKED | (level ? RTE_TRIGGER_LEVEL : 0) |
		      (active_low ? RTE_POLARITY_LOW : 0);
	unsigned long f;

	BUG_ON(!ioapic_has_gsi(gsi));
	f = spin_lock_irqsave(&ioapic_lock);
	reg_write(IOAPIC_REG_RTE_LO(pin), RTE_MASKED);
	reg_write(IOAPIC_REG_RTE_HI(pin), dest_apic_id << RTE_DEST_SHIFT);
	reg_write(IOAPIC_REG_RTE_LO(pin), lo);
	spin_unlock_irqrestore(&ioapic_lock, f);
}

uint32_t ioapic_read_reg(uint32_t reg)
{
	unsigned long f;
	uint32_t v;

	BUG_ON(!ioapic_base);
	f = spin_lock_irqsave(&ioapic_lock);
	v = reg_read(reg);
	spin_unlock_irqrestore(&ioapic_lock, f);
	return v;
}

void ioapic_set_masked(uint32_t gsi, bool masked)
{
	uint32_t pin = gsi - gsi_base, lo;
	unsigned long f;

	BUG_ON(!ioapic_has_gsi(gsi));
	f = spin_lock_irqsave(&ioapic_lock);
	lo = reg_read(IOAPIC_REG_RTE_LO(pin));
	reg_write(IOAPIC_REG_RTE_LO(pin), masked ? lo | RTE_MASKED : lo & ~RTE_MASKED);
	spin_unlock_irqrestore(&ioapic_lock, f);
}
