/* SPDX-License-Identifier: GPL-2.0-only */
/* GDT, TSS and IDT: per-CPU descriptor tables and the shared IDT. */
#pragma once
#include <hv/types.h>

#include <public/xen.h>

#define NR_CPUS		64

/*
 * GDT layout (PV ABI, <public/arch-x86/xen.h>): pages 0-13 of each CPU's
 * GDT window hold the running guest's own descriptor frames; page 14
 * (FIRST_RESERVED_GDT_PAGE) is ours. Our selectors live there, next to
 * the flat ring-3 segments the ABI promises (FLAT_RING3_CS64 = 0xe033...).
 */
#define RESERVED_GDT_SEL(i)	((FIRST_RESERVED_GDT_ENTRY + (i)) << 3)
#define HV_CS		RESERVED_GDT_SEL(1)	/* 0xe008: 64-bit code, DPL 0 */
#define HV_DS		RESERVED_GDT_SEL(2)	/* 0xe010: data, DPL 0 */
#define HV_CS32		RESERVED_GDT_SEL(3)	/* 0xe018: unused, keeps STAR's layout */
/* 4 = FLAT_RING3_CS32 (0xe023), 5 = FLAT_RING3_DS32 (0xe02b), 6 = FLAT_RING3_CS64 (0xe033) */
#define TSS_SEL		RESERVED_GDT_SEL(8)	/* 0xe040: 16-byte system descriptor */
#define LDT_SEL		RESERVED_GDT_SEL(10)	/* 0xe050: 16-byte system descriptor */
#define GDT_GUEST_PAGES	FIRST_RESERVED_GDT_PAGE
#define GDT_PAGES	(FIRST_RESERVED_GDT_PAGE + 1)

/* IST slots (1-based in the IDT gate, 0-based in the TSS array). */
#define IST_DF		1
#define IST_NMI		2
#define IST_MC		3
#define IST_DB		4

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

/*
 * Give this CPU its GDT window, TSS and IDT (needs the frame allocator and
 * final page tables); the boot CPU's call also turns on the IST stacks.
 */
void desc_init_cpu(unsigned int cpu, void *stack_block);
/* Fill and load the shared IDT: boot CPU, first thing. */
void idt_init(void);
/* The GDT window of @cpu (16 pages, GDT_WINDOW_VIRT_START + cpu * size). */
unsigned long gdt_window(unsigned int cpu);
/*
 * Map the guest's descriptor frames @mfns[0..@n) into this CPU's GDT
 * window (the rest shows a zero page) and reload the GDT register.
 */
void desc_load_guest_gdt(const mfn_t *mfns, unsigned int n);

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

/* Guests may use "int $0x80" and int3/into (DPL 3 gates). */
#define LEGACY_SYSCALL_VECTOR	0x80

#define LAPIC_TIMER_VECTOR	0xf0
/* Cross-CPU requests (asm/ipi.h). */
#define EVENT_CHECK_VECTOR	0xf1
#define TLB_FLUSH_VECTOR	0xf2
#define SPURIOUS_VECTOR		0xff
#define NR_VECTORS		256

/* Page-fault error code bits */
#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_INSN	(1u << 4)
