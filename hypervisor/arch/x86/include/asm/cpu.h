/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU features Ward depends on or uses, detected once on the boot CPU. */
#pragma once
#include <hv/types.h>

extern bool cpu_has_nx, cpu_has_smep, cpu_has_smap, cpu_has_umip, cpu_has_page1g;
extern bool cpu_has_invariant_tsc;
/* MAXPHYADDR (CPUID 0x80000008), 36 when the CPU does not say (SDM). */
#define CPU_PHYS_ADDR_BITS_DEFAULT	36
extern unsigned int cpu_phys_addr_bits;

/* Detect features (boot CPU), before the console is set up. */
void cpu_detect(void);
/* Print what cpu_detect() found. */
void cpu_report(void);
/* Turn on this CPU's protections: CR0.WP, EFER.NXE, CR4.SMEP/SMAP/UMIP. */
void cpu_init_protection(void);

/* smp.c: the APIC id of physical CPU @cpu; false if there is no such CPU. */
bool arch_cpu_apic_id(unsigned int cpu, uint32_t *apic_id);
/* smp.c: CPU @cpu's struct cpu_info (asm/percpu.h), or NULL. */
struct cpu_info;
struct cpu_info *smp_cpu_info(unsigned int cpu);
