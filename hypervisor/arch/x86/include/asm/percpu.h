/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU data lives at the top of each CPU's stack block (asm/layout.h),
 * found by masking RSP. This works in every context, including IST
 * handlers, and never depends on the GS base, which guests will own.
 */
#pragma once
#include <hv/types.h>
#include <asm/layout.h>
#include <asm/cpu-defs.h>

struct cpu_info {
	struct cpu_info *self;
	unsigned int cpu;		/* logical CPU number, 0 = boot CPU */
	uint32_t apic_id;
	uint64_t timer_ticks;		/* local APIC timer interrupts taken */
	uint8_t pad[CPU_INFO_SIZE - 24];
};

static inline struct cpu_info *get_cpu_info(void)
{
	unsigned long sp;

	__asm__ ("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1 - CPU_INFO_SIZE);
}

static inline unsigned int smp_processor_id(void)
{
	return get_cpu_info()->cpu;
}

static inline struct cpu_info *stack_block_cpu_info(void *block)
{
	return (struct cpu_info *)((char *)block + STACK_SIZE - CPU_INFO_SIZE);
}
