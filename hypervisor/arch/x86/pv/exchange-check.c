// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shape of a XENMEM_exchange request (public/memory.h): both sides
 * name the same domain and the same number of frames, orders are
 * bounded, the output flags ask for nothing but an address width (and a
 * NUMA node, meaningless with one node), and no earlier progress is
 * claimed: Ward exchanges all or nothing, so nr_exchanged must start at 0.
 */
#include <hv/errno.h>
#include <asm/exchange.h>
#include <asm/page.h>

#define MEMF_ADDRESS_BITS_MASK	0xffu
#define MEMF_NODE_MASK		0xff00u
#define MEMF_ALLOWED		(MEMF_ADDRESS_BITS_MASK | MEMF_NODE_MASK | \
				 XENMEMF_exact_node_request | XENMEMF_vnode)
#define PADDR_BITS_MAX		64

int exchange_check(const struct xen_memory_exchange *x, unsigned long *frames,
		   mfn_t *limit)
{
	unsigned int bits = XENMEMF_get_address_bits(x->out.mem_flags);
	unsigned long in_frames, out_frames;

	if (x->nr_exchanged)
		return -EINVAL;
	if (x->in.domid != x->out.domid)
		return -EINVAL;
	if (x->in.extent_order > EXCHANGE_MAX_ORDER || x->out.extent_order > EXCHANGE_MAX_ORDER)
		return -EINVAL;
	if (x->out.mem_flags & ~MEMF_ALLOWED)
		return -EINVAL;
	/* Bounding the counts first keeps the shifts from overflowing. */
	if (x->in.nr_extents > EXCHANGE_MAX_FRAMES || x->out.nr_extents > EXCHANGE_MAX_FRAMES)
		return -EINVAL;
	in_frames = x->in.nr_extents << x->in.extent_order;
	out_frames = x->out.nr_extents << x->out.extent_order;
	if (in_frames != out_frames || in_frames > EXCHANGE_MAX_FRAMES)
		return -EINVAL;
	*frames = in_frames;
	*limit = bits == 0 || bits >= PADDR_BITS_MAX ? ~(mfn_t)0 :
		 (mfn_t)1 << (bits > PAGE_SHIFT ? bits - PAGE_SHIFT : 0);
	return 0;
}
