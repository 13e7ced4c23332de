// SPDX-License-Identifier: GPL-2.0-only
/*
 * Console ring arithmetic. Indices are free-running u32s; a slot is the
 * index masked by the (power of two) ring size. Acquire on the guest's
 * producer/consumer index orders our reads of the data after it; release
 * on ours orders our data accesses before the guest sees the new index.
 */
#include <errno.h>

#include "ring.h"

#define OUT_SIZE	sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE		sizeof(((struct xencons_interface *)0)->in)

_Static_assert(sizeof(struct xencons_interface) == 3088, "xencons ABI");
_Static_assert((OUT_SIZE & (OUT_SIZE - 1)) == 0, "ring size power of 2");

int cons_ring_read(struct xencons_interface *intf, char *buf, size_t len)
{
	XENCONS_RING_IDX cons = intf->out_cons;	/* ours: only we write it */
	XENCONS_RING_IDX prod = __atomic_load_n(&intf->out_prod, __ATOMIC_ACQUIRE);
	size_t n = 0;

	if (prod - cons > OUT_SIZE) {
		__atomic_store_n(&intf->out_cons, prod, __ATOMIC_RELEASE);
		return -EIO;
	}
	while (cons != prod && n < len)
		buf[n++] = intf->out[MASK_XENCONS_IDX(cons++, intf->out)];
	__atomic_store_n(&intf->out_cons, cons, __ATOMIC_RELEASE);
	return (int)n;
}

int cons_ring_write(struct xencons_interface *intf, const char *buf, size_t len)
{
	XENCONS_RING_IDX prod = intf->in_prod;	/* ours */
	XENCONS_RING_IDX cons = __atomic_load_n(&intf->in_cons, __ATOMIC_ACQUIRE);
	size_t n = 0;

	if (prod - cons > IN_SIZE)
		return -EIO;
	while (prod - cons < IN_SIZE && n < len)
		intf->in[MASK_XENCONS_IDX(prod++, intf->in)] = buf[n++];
	__atomic_store_n(&intf->in_prod, prod, __ATOMIC_RELEASE);
	return (int)n;
}
