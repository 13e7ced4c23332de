/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host stand-in for the TLB-flush clock (arch/x86/tlb-clock.c): a counter
 * that advances at every read, and a record of the flushes asked for, so
 * tests can check when the rules flush and when they do not.
 */
#pragma once
#include <stdint.h>

struct tlb_stub {
	uint64_t clock;		/* the last stamp handed out */
	unsigned int flushes;	/* arch_tlb_flush_stale calls with a stamp */
	uint64_t last_stamp;	/* the stamp of the last such call */
};
extern struct tlb_stub tlb_stub;

static inline void tlb_stub_reset(void)
{
	tlb_stub = (struct tlb_stub){ 0 };
}
