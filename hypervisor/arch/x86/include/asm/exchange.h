/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * XENMEM_exchange's argument checks (arch/x86/pv/exchange-check.c), kept
 * pure so that the host unit tests can drive them with every bad input.
 */
#pragma once
#include <hv/types.h>
#include <public/memory.h>

/* Largest extent order either side may use: 2 MiB, ample for swiotlb. */
#define EXCHANGE_MAX_ORDER	9
/* Frames one call may exchange (no continuations): one such extent. */
#define EXCHANGE_MAX_FRAMES	(1ul << EXCHANGE_MAX_ORDER)

/*
 * Check @x as a caller's XENMEM_exchange request: 0 with the number of
 * frames in *@frames and the first frame the new extents may not reach
 * in *@limit (~0 for none), or -EINVAL. Domain ids are only compared.
 */
int exchange_check(const struct xen_memory_exchange *x, unsigned long *frames,
		   mfn_t *limit);
