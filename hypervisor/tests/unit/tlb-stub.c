// SPDX-License-Identifier: GPL-2.0-only
/* The host TLB-flush clock (tlb-stub.h). */
#include <hv/arch.h>
#include "tlb-stub.h"

struct tlb_stub tlb_stub;

uint64_t arch_tlb_clock_now(void)
{
	return ++tlb_stub.clock;
}

void arch_tlb_flush_stale(uint64_t stamp)
{
	if (!stamp)
		return;
	tlb_stub.flushes++;
	tlb_stub.last_stamp = stamp;
}
