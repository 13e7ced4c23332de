/* SPDX-License-Identifier: GPL-2.0-only */
/* The ACPI tables Ward reads: RSDP, RSDT/XSDT, MADT (CPUs), FADT (power off). */
#pragma once
#include <hv/types.h>

struct boot_info;

#define ACPI_MAX_CPUS	64

struct acpi_cpus {
	uint32_t apic_ids[ACPI_MAX_CPUS];
	uint32_t acpi_ids[ACPI_MAX_CPUS];	/* processor UIDs, same order */
	unsigned int count;
	paddr_t lapic_phys;
	paddr_t ioapic_phys;		/* the MADT's first IOAPIC; 0: none */
	uint32_t ioapic_gsi_base;
};

/* Find and checksum the tables; false if there is no usable ACPI. */
bool acpi_init(const struct boot_info *bi);
/* The enabled CPUs from the MADT (count 0 when unknown). */
const struct acpi_cpus *acpi_get_cpus(void);
/* The FADT's PM1a/PM1b control ports (0: none), which acpi_power_off writes. */
void acpi_pm1_cnt_ports(uint16_t *a, uint16_t *b);
/*
 * Ask for S5 (soft off). It takes effect when the platform gets to it,
 * so this returns: true once asked, false when the tables gave no way to
 * (no FADT or no \_S5).
 */
bool acpi_power_off(void);
