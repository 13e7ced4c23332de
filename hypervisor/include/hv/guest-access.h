/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The only way to touch guest memory. Every helper checks that the whole
 * range is guest address space (canonical, outside the hypervisor's
 * slots), survives page faults through the exception table, and returns
 * 0 or -EFAULT (not "bytes left": a number that looks like an errno by
 * accident is worse than none). Handles are the ABI's XEN_GUEST_HANDLEs.
 */
#pragma once
#include <hv/types.h>
#include <public/xen.h>

/* Is @va canonical (bits 63:47 all equal)? */
static inline bool is_canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

int copy_from_guest_raw(void *dst, unsigned long gva, size_t len);
int copy_to_guest_raw(unsigned long gva, const void *src, size_t len);
/* Zero @len bytes of guest memory. */
int clear_guest_raw(unsigned long gva, size_t len);
/* Is [gva, gva + len) entirely guest address space? */
bool guest_range_ok(unsigned long gva, size_t len);

#define guest_handle_from_ulong(type, v) \
	((XEN_GUEST_HANDLE(type)){ .p = (type *)(unsigned long)(v) })
#define guest_handle_is_null(h)		((h).p == NULL)
#define guest_handle_addr(h)		((unsigned long)(h).p)

/* Copy @nr elements between a handle (at element @off) and a hypervisor buffer. */
#define copy_from_guest_offset(dst, h, off, nr) \
	copy_from_guest_raw((dst), (unsigned long)((h).p + (off)), (nr) * sizeof(*(h).p))
#define copy_to_guest_offset(h, off, src, nr) \
	copy_to_guest_raw((unsigned long)((h).p + (off)), (src), (nr) * sizeof(*(h).p))
#define copy_from_guest(dst, h, nr)	copy_from_guest_offset(dst, h, 0, nr)
#define copy_to_guest(h, src, nr)	copy_to_guest_offset(h, 0, src, nr)

/* One value of a scalar type. */
#define get_guest(var, gva)	copy_from_guest_raw(&(var), (gva), sizeof(var))
#define put_guest(var, gva)	copy_to_guest_raw((gva), &(var), sizeof(var))
