/* SPDX-License-Identifier: GPL-2.0-only */
/* GDT, TSS and IDT: per-CPU descriptor tables and the shared IDT. */
#pragma once
#include <hv/types.h>

#define NR_CPUS		64

/* GDT selectors (index << 3). Entries 1-3 match the boot GDT in head.S. */
#define HV_CS		0x08
#define HV_DS		0x10
#define TSS_SEL		0x20	/* 16-byte system descriptor: entries 4 and 5 */
#define GDT_ENTRIES	8

/* IST slots (1-based in the IDT gate, 0-based in the TSS array). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

/* Load the boot CPU's or an AP's GDT, TSS and the IDT on this CPU. */
void desc_init_cpu(unsigned int cpu, void *stack_block);
/* Fill the shared IDT; boot CPU, once, before desc_init_cpu(). */
void idt_init(void);

/* Exception and interrupt vectors */
#define X86_EXC_DE	0
#define X86_EXC_DB	1
#define X86_EXC_NMI	2
#define X86_EXC_BP	3
#define X86_EXC_OF	4
#define X86_EXC_BR	5
#define X86_EXC_UD	6
#define X86_EXC_NM	7
#define X86_EXC_DF	8
#define X86_EXC_TS	10
#define X86_EXC_NP	11
#define X86_EXC_SS	12
#define X86_EXC_GP	13
#define X86_EXC_PF	14
#define X86_EXC_MF	16
#define X86_EXC_AC	17
#define X86_EXC_MC	18
#define X86_EXC_XM	19
#define X86_EXC_VE	20
#define X86_EXC_CP	21
#define X86_NR_EXC	32

#define LAPIC_TIMER_VECTOR	0xf0
#define SPURIOUS_VECTOR		0xff
#define NR_VECTORS		256

/* Page-fault error code bits */
#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_INSN	(1u << 4)
