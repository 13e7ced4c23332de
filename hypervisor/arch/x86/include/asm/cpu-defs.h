/* SPDX-License-Identifier: GPL-2.0-only */
/* Architectural constants (CR bits, MSRs, PTE bits, CPUID bits), usable from assembly. */
#pragma once

#ifdef __ASSEMBLY__
#define _BITUL(n)	(1 << (n))
#define _BITULL(n)	(1 << (n))
#else
#define _BITUL(n)	(1UL << (n))
#define _BITULL(n)	(1ULL << (n))
#endif

/* CR0 */
#define X86_CR0_PE	_BITUL(0)
#define X86_CR0_MP	_BITUL(1)
#define X86_CR0_EM	_BITUL(2)
#define X86_CR0_TS	_BITUL(3)
#define X86_CR0_NE	_BITUL(5)
#define X86_CR0_WP	_BITUL(16)
#define X86_CR0_AM	_BITUL(18)
#define X86_CR0_PG	_BITUL(31)

/* CR4 */
#define X86_CR4_TSD	_BITUL(2)
#define X86_CR4_DE	_BITUL(3)
#define X86_CR4_PSE	_BITUL(4)
#define X86_CR4_PAE	_BITUL(5)
#define X86_CR4_PGE	_BITUL(7)
#define X86_CR4_OSFXSR	_BITUL(9)
#define X86_CR4_OSXMMEXCPT _BITUL(10)
#define X86_CR4_UMIP	_BITUL(11)
#define X86_CR4_FSGSBASE _BITUL(16)
#define X86_CR4_OSXSAVE	_BITUL(18)
#define X86_CR4_SMEP	_BITUL(20)
#define X86_CR4_SMAP	_BITUL(21)

/* RFLAGS */
#define X86_EFLAGS_TF	_BITUL(8)
#define X86_EFLAGS_IF	_BITUL(9)
#define X86_EFLAGS_DF	_BITUL(10)
#define X86_EFLAGS_IOPL	(3UL << 12)
#define X86_EFLAGS_IOPL_SHIFT	12
#define X86_EFLAGS_NT	_BITUL(14)
#define X86_EFLAGS_RF	_BITUL(16)
#define X86_EFLAGS_VM	_BITUL(17)
#define X86_EFLAGS_AC	_BITUL(18)

/* MSRs */
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_SYSENTER_CS		0x174
#define MSR_SYSENTER_ESP	0x175
#define MSR_SYSENTER_EIP	0x176
#define MSR_CSTAR		0xc0000083
#define MSR_SFMASK		0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_APIC_BASE		0x0000001b
#define MSR_PAT			0x00000277

#define EFER_SCE	_BITUL(0)
#define EFER_LME	_BITUL(8)
#define EFER_LMA	_BITUL(10)
#define EFER_NXE	_BITUL(11)

#define APIC_BASE_BSP	_BITUL(8)
#define APIC_BASE_X2APIC _BITUL(10)
#define APIC_BASE_ENABLE _BITUL(11)

/* Page-table entry bits */
#define PTE_P		_BITULL(0)
#define PTE_RW		_BITULL(1)
#define PTE_US		_BITULL(2)
#define PTE_PWT		_BITULL(3)
#define PTE_PCD		_BITULL(4)
#define PTE_A		_BITULL(5)
#define PTE_D		_BITULL(6)
#define PTE_PS		_BITULL(7)
#define PTE_G		_BITULL(8)
#ifndef __ASSEMBLY__
#define PTE_NX		(1ULL << 63)
#endif

/* CPUID bits we test (leaf:register:bit) */
#define CPUID_EXT_EDX_NX_BIT	20	/* 0x80000001 EDX */
#define CPUID_EXT_EDX_PAGE1G_BIT 26	/* 0x80000001 EDX */
#define CPUID_EXT_EDX_LM_BIT	29	/* 0x80000001 EDX */
#define CPUID_1_EDX_APIC_BIT	9
#define CPUID_1_ECX_X2APIC_BIT	21
#define CPUID_1_ECX_TSC_DEADLINE_BIT 24
#define CPUID_7_EBX_SMEP_BIT	7
#define CPUID_7_EBX_SMAP_BIT	20
#define CPUID_7_ECX_UMIP_BIT	2
#define CPUID_80000007_EDX_INVTSC_BIT 8

/* struct cpu_info (asm/percpu.h): size and the offsets assembly uses. */
#define CPU_INFO_SIZE		128
#define CPUINFO_SELF		0
#define CPUINFO_SCRATCH_RSP	8
