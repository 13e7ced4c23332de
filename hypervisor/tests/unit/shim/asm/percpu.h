/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stand-in for <asm/percpu.h>: the running "CPU" is a number the
 * test sets (shim_cpu), since the host has no per-CPU stack block.
 */
#pragma once

extern unsigned int shim_cpu;

static inline unsigned int smp_processor_id(void)
{
	return shim_cpu;
}
