// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant tables as Linux 6.1 itself drives them, in a dom0 alone: the page
 * is granted to dom0 by /dev/xen/gntalloc (gnttab_grant_foreign_access),
 * mapped by /dev/xen/gntdev (map_grant_ref with contains_pte and
 * application_map for the user PTE, plus a kernel mapping), read and
 * written through the mapping, copied with IOCTL_GNTDEV_GRANT_COPY
 * (GNTTABOP_copy, gref -> local frame), then unmapped and freed.
 * ci/tests/hv-dom0-gntdev.sh runs it as dom0's init on Ward. Prints
 * "gnt-selftest: OK" or one "gnt-selftest: FAIL: ..." line; exit status 0/1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/sys/gntalloc.h>
#include <xen/sys/gntdev.h>

#define PAGE		4096
#define SELF_DOMID	0	/* we run as dom0 */
#define WORDS		(PAGE / sizeof(uint32_t))

static int fail(const char *what)
{
	printf("gnt-selftest: FAIL: %s (errno %d %s)\n", what, errno, strerror(errno));
	return 1;
}

int main(void)
{
	struct ioctl_gntalloc_alloc_gref al = { .domid = SELF_DOMID,
						.flags = GNTALLOC_FLAG_WRITABLE, .count = 1 };
	struct ioctl_gntdev_map_grant_ref mp = { .count = 1 };
	struct ioctl_gntdev_unmap_grant_ref um = { .count = 1 };
	struct ioctl_gntalloc_dealloc_gref dl = { .count = 1 };
	struct ioctl_gntdev_grant_copy_segment seg;
	struct ioctl_gntdev_grant_copy cp = { .count = 1, .segments = &seg };
	static uint8_t buf[PAGE];
	volatile uint32_t *a, *b;
	int ga, gd;

	ga = open("/dev/xen/gntalloc", O_RDWR);
	gd = open("/dev/xen/gntdev", O_RDWR);
	if (ga < 0 || gd < 0)
		return fail("open /dev/xen/gntalloc and /dev/xen/gntdev");
	if (ioctl(ga, IOCTL_GNTALLOC_ALLOC_GREF, &al))
		return fail("IOCTL_GNTALLOC_ALLOC_GREF");
	printf("gnt-selftest: granted ref %u\n", al.gref_ids[0]);
	a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, ga, al.index);
	if (a == MAP_FAILED)
		return fail("mmap of the granted page");
	for (unsigned int i = 0; i < WORDS; i++)
		a[i] = 0x51000000u + i;

	mp.refs[0].domid = SELF_DOMID;
	mp.refs[0].ref = al.gref_ids[0];
	if (ioctl(gd, IOCTL_GNTDEV_MAP_GRANT_REF, &mp))
		return fail("IOCTL_GNTDEV_MAP_GRANT_REF");
	b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, gd, mp.index);
	if (b == MAP_FAILED)
		return fail("mmap of the grant mapping (map_grant_ref)");
	if (b[5] != 0x51000005u) {
		errno = 0;
		return fail("the mapping does not show the granted page");
	}
	b[7] = 0xfeedf00du;
	if (a[7] != 0xfeedf00du) {
		errno = 0;
		return fail("a store through the mapping did not reach the granted page");
	}
	printf("gnt-selftest: mapped, read and written\n");

	memset(&seg, 0, sizeof(seg));
	seg.source.foreign.ref = al.gref_ids[0];
	seg.source.foreign.offset = 16;
	seg.source.foreign.domid = SELF_DOMID;
	seg.dest.virt = buf + 100;
	seg.len = 64;
	seg.flags = GNTCOPY_source_gref;
	if (ioctl(gd, IOCTL_GNTDEV_GRANT_COPY, &cp))
		return fail("IOCTL_GNTDEV_GRANT_COPY");
	if (seg.status != GNTST_okay ||
	    memcmp(buf + 100, (const uint8_t *)a + 16, seg.len)) {
		errno = 0;
		return fail("grant copy: bad status or data");
	}
	printf("gnt-selftest: copied\n");

	if (munmap((void *)b, PAGE))
		return fail("munmap of the grant mapping");
	um.index = mp.index;
	if (ioctl(gd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &um))
		return fail("IOCTL_GNTDEV_UNMAP_GRANT_REF");
	munmap((void *)a, PAGE);
	dl.index = al.index;
	if (ioctl(ga, IOCTL_GNTALLOC_DEALLOC_GREF, &dl))
		return fail("IOCTL_GNTALLOC_DEALLOC_GREF");
	printf("gnt-selftest: OK\n");
	return 0;
}
