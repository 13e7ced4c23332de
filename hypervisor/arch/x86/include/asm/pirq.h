/* SPDX-License-Identifier: GPL-2.0-only */
/* dom0's physical interrupts (arch/x86/pv/pirq.c). */
#pragma once
#include <hv/types.h>

struct domain;

/* An interrupt on @gsi's vector (interrupt context; sends the LAPIC EOI). */
void pirq_interrupt(uint32_t gsi);
/* PHYSDEVOP_map_pirq, unmap_pirq, setup_gsi, irq_status_query, eoi,
 * alloc_irq_vector and apic_read (dom0 only). */
long pirq_physdev_op(unsigned long cmd, unsigned long arg);
