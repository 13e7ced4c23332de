/* SPDX-License-Identifier: GPL-2.0-only */
/* One static inline per special instruction, so C reads as C. */
#pragma once
#include <hv/types.h>
#include <asm/cpu-defs.h>

static inline void cpu_relax(void) { __asm__ __volatile__("pause" ::: "memory"); }
static inline void halt(void) { __asm__ __volatile__("hlt" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ __volatile__("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ __volatile__("sti" ::: "memory"); }

static inline unsigned long read_rflags(void)
{
	unsigned long f;

	__asm__ __volatile__("pushfq; popq %0" : "=r"(f) :: "memory");
	return f;
}

static inline unsigned long local_irq_save(void)
{
	unsigned long f = read_rflags();

	local_irq_disable();
	return f;
}

static inline void local_irq_restore(unsigned long f)
{
	if (f & X86_EFLAGS_IF)
		local_irq_enable();
}

static inline bool local_irq_is_enabled(void)
{
	return read_rflags() & X86_EFLAGS_IF;
}

#define DEFINE_CR_ACCESSORS(n) \
static inline unsigned long read_cr##n(void) \
{ \
	unsigned long v; \
	__asm__ __volatile__("mov %%cr" #n ", %0" : "=r"(v) :: "memory"); \
	return v; \
} \
static inline void write_cr##n(unsigned long v) \
{ \
	__asm__ __volatile__("mov %0, %%cr" #n :: "r"(v) : "memory"); \
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" :: "c"(msr), "a"((uint32_t)v),
			     "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			     : "a"(leaf), "c"(sub));
	return r;
}

static inline struct cpuid_regs cpuid(uint32_t leaf) { return cpuid_count(leaf, 0); }

static inline void invlpg(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory");
}

/* Flush the whole TLB of this CPU, global entries included (toggle CR4.PGE). */
static inline void flush_tlb_all_local(void)
{
	unsigned long cr4 = read_cr4();

	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4);
}

#define DEFINE_DR_ACCESSORS(n) \
static inline unsigned long read_dr##n(void) \
{ \
	unsigned long v; \
	__asm__ __volatile__("mov %%db" #n ", %0" : "=r"(v)); \
	return v; \
} \
static inline void write_dr##n(unsigned long v) \
{ \
	__asm__ __volatile__("mov %0, %%db" #n :: "r"(v)); \
}
DEFINE_DR_ACCESSORS(0)
DEFINE_DR_ACCESSORS(1)
DEFINE_DR_ACCESSORS(2)
DEFINE_DR_ACCESSORS(3)
DEFINE_DR_ACCESSORS(6)
DEFINE_DR_ACCESSORS(7)
#undef DEFINE_DR_ACCESSORS
#define DR6_DEFAULT	0xffff0ff0UL
#define DR7_DEFAULT	0x400UL
#define NR_BREAKPOINTS	4
/* DR6.Bn: breakpoint n matched (set even for disabled breakpoints). */
#define DR6_HIT(n)	(1UL << (n))
/* DR7: breakpoint n's enables (Ln, Gn) and its R/W field (00: execute). */
#define DR7_ENABLED(dr7, n)	(((dr7) >> (2 * (n))) & 3UL)
#define DR7_RW(dr7, n)		(((dr7) >> (16 + 4 * (n))) & 3UL)
#define DR7_RW_EXEC	0UL
#define DR7_RW_IO	2UL

/* SMAP: the guest-access helpers are the only callers (STYLE.md). */
static inline void stac(void) { __asm__ __volatile__("stac" ::: "memory"); }
static inline void clac(void) { __asm__ __volatile__("clac" ::: "memory"); }
