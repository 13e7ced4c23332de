// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory access. Guest mappings are user pages (guests run in ring
 * 3), so with SMAP on the hypervisor can touch them only between stac and
 * clac, which happen here and nowhere else. The running guest's page
 * tables are live while the hypervisor runs, so a guest virtual address is
 * used as is; a missing mapping faults, and the exception table turns the
 * fault into -EFAULT.
 */
#include <hv/errno.h>
#include <hv/guest-access.h>
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/processor.h>

unsigned long raw_copy_guest(void *dst, const void *src, size_t len);
unsigned long raw_clear_guest(void *dst, size_t len);

bool guest_range_ok(unsigned long gva, size_t len)
{
	unsigned long end = gva + len;

	if (!len)
		return true;
	if (end < gva)
		return false;	/* wraps */
	if (end <= GUEST_LOW_END)
		return true;
	return gva >= HYPERVISOR_VIRT_END;
}

static inline void user_access_begin(void)
{
	if (cpu_has_smap)
		stac();
}

static inline void user_access_end(void)
{
	if (cpu_has_smap)
		clac();
}

int copy_from_guest_raw(void *dst, unsigned long gva, size_t len)
{
	unsigned long left;

	if (!guest_range_ok(gva, len))
		return -EFAULT;
	user_access_begin();
	left = raw_copy_guest(dst, (const void *)gva, len);
	user_access_end();
	return left ? -EFAULT : 0;
}

int copy_to_guest_raw(unsigned long gva, const void *src, size_t len)
{
	unsigned long left;

	if (!guest_range_ok(gva, len))
		return -EFAULT;
	user_access_begin();
	left = raw_copy_guest((void *)gva, src, len);
	user_access_end();
	return left ? -EFAULT : 0;
}

int clear_guest_raw(unsigned long gva, size_t len)
{
	unsigned long left;

	if (!guest_range_ok(gva, len))
		return -EFAULT;
	user_access_begin();
	left = raw_clear_guest((void *)gva, len);
	user_access_end();
	return left ? -EFAULT : 0;
}
