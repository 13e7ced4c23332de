/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC (xAPIC, memory-mapped). */
#pragma once
#include <hv/types.h>

#define APIC_DEFAULT_PHYS	0xfee00000
#define APIC_TIMER_HZ		100

/* Map the APIC (boot CPU, once) at @phys from the MADT. */
void apic_map(paddr_t phys);
/* Enable this CPU's APIC: spurious vector, LINT1 NMIs on the boot CPU, TPR 0. */
void apic_init_cpu(void);
uint32_t apic_read_id(void);
void apic_eoi(void);
/* Measure the APIC timer against the TSC (boot CPU); returns ticks per second. */
void apic_timer_calibrate(void);
/* Start this CPU's timer: one-shot, for the next timer or scheduler tick. */
void apic_timer_start(void);
void apic_timer_interrupt(void);
/* INIT-SIPI-SIPI to start an AP at @page (4 KiB-aligned, below 1 MiB). */
void apic_start_ap(uint32_t apic_id, paddr_t page);
/* A fixed-delivery interrupt with @vector to the CPU with @apic_id. */
void apic_send_fixed(uint32_t apic_id, uint8_t vector);
/* An NMI to the CPU with @apic_id (the watchdog). */
void apic_send_nmi(uint32_t apic_id);
/* NMI to every CPU but this one (panic path). */
void apic_nmi_others(void);
bool apic_is_mapped(void);
