/* SPDX-License-Identifier: GPL-2.0-only */
/* The first IOAPIC, driven for dom0's physical interrupts (arch/x86/ioapic.c). */
#pragma once
#include <hv/types.h>

/* GSIs Ward routes at most (vectors IOAPIC_VECTOR_BASE + gsi). */
#define IOAPIC_MAX_GSIS		48
#define IOAPIC_VECTOR_BASE	0x30

/* Map the MADT's first IOAPIC and mask every pin (boot CPU, after ACPI). */
void ioapic_init(void);
/* Its physical address, 0 when there is none. */
paddr_t ioapic_phys(void);
bool ioapic_has_gsi(uint32_t gsi);
/* Program @gsi (left masked) to raise @vector on the CPU with @dest_apic_id. */
void ioapic_route(uint32_t gsi, uint8_t vector, uint32_t dest_apic_id, bool level,
		  bool active_low);
void ioapic_set_masked(uint32_t gsi, bool masked);
/* Read IOAPIC register @reg (the index the register-select port takes). */
uint32_t ioapic_read_reg(uint32_t reg);
