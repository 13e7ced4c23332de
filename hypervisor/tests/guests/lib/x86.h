/* SPDX-License-Identifier: GPL-2.0-only */
/* Architectural x86-64 names the guests need (Intel SDM vol. 3). */
#pragma once

/* Exception vectors. */
#define X86_EXC_DE	0	/* divide error */
#define X86_EXC_DB	1	/* debug */
#define X86_EXC_BP	3	/* breakpoint (int3) */
#define X86_EXC_UD	6	/* invalid opcode */
#define X86_EXC_NM	7	/* device not available */
#define X86_EXC_GP	13	/* general protection */
#define X86_EXC_PF	14	/* page fault */

/* Page-fault error code bits. */
#define PFEC_PRESENT	(1u << 0)
#define PFEC_WRITE	(1u << 1)
#define PFEC_USER	(1u << 2)
#define PFEC_RSVD	(1u << 3)
#define PFEC_INSN	(1u << 4)

/* Error code of a #GP raised by `int n` through a gate it may not use. */
#define X86_XEC_IDT	(1u << 1)
#define GP_EC_SOFTINT(n) (((unsigned long)(n) << 3) | X86_XEC_IDT)

/* Page-table entry bits. */
#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_PSE	(1UL << 7)	/* superpage at L2/L3 (PAT at L1) */
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_NX	(1UL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000UL	/* bits 12-51 */
#define PT_ENTRIES	512

/* RFLAGS. */
#define X86_EFLAGS_CF	(1UL << 0)
#define X86_EFLAGS_MBS	(1UL << 1)	/* always 1 */
#define X86_EFLAGS_PF	(1UL << 2)
#define X86_EFLAGS_AF	(1UL << 4)
#define X86_EFLAGS_ZF	(1UL << 6)
#define X86_EFLAGS_SF	(1UL << 7)
#define X86_EFLAGS_TF	(1UL << 8)
#define X86_EFLAGS_IF	(1UL << 9)
#define X86_EFLAGS_DF	(1UL << 10)
#define X86_EFLAGS_OF	(1UL << 11)
#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_AC	(1UL << 18)
#define X86_EFLAGS_ARITH (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			  X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_OF)

/* Control-register bits. */
#define X86_CR0_TS	(1UL << 3)
#define X86_CR0_PE	(1UL << 0)
#define X86_CR0_PG	(1UL << 31)
#define X86_CR4_DE	(1UL << 3)
#define X86_CR4_PSE	(1UL << 4)
#define X86_CR4_PAE	(1UL << 5)
#define X86_CR4_PGE	(1UL << 7)
#define X86_CR4_VMXE	(1UL << 13)
#define X86_CR4_SMXE	(1UL << 14)
#define X86_CR4_PCIDE	(1UL << 17)
#define X86_CR4_SMEP	(1UL << 20)
#define X86_CR4_SMAP	(1UL << 21)

/* Debug registers. */
#define X86_DR6_B0	(1UL << 0)
#define X86_DR7_L0	(1UL << 0)
#define X86_DR7_MBS	(1UL << 10)	/* always 1 */
#define X86_DR7_GD	(1UL << 13)	/* general detect */

/* MSRs. */
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_SHADOW_GS_BASE	0xc0000102

/* Canonical-address helpers for 48-bit virtual addresses. */
#define NONCANONICAL_ADDR	0x8000000000000000UL

/* The time-stamp counter. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
