// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/xen/privcmd wrappers. Linux passes IOCTL_PRIVCMD_HYPERCALL through
 * verbatim and returns the hypercall's value; a negative value comes back
 * as -1 with errno = -value, which is why ward_ctl() returns -errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "xen-sys.h"
#include "privcmd.h"

#define PRIVCMD_PATH	"/dev/xen/privcmd"
#define PAGE_SIZE_4K	4096UL

int privcmd_open(void)
{
	return open(PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
}

/* One caller buffer the hypervisor will read or write during the call. */
struct ctl_buf {
	void *p;
	size_t len;
};

/*
 * Round [p, p+len) out to whole pages and lock it. If mlock() is refused
 * (RLIMIT_MEMLOCK), read every page instead so that it is at least present
 * now; dom0 has no swap, so a present page stays present.
 */
static bool lock_buf(const struct ctl_buf *b)
{
	uintptr_t start, end, a;

	if (!b->p || !b->len)
		return false;
	start = (uintptr_t)b->p & ~(PAGE_SIZE_4K - 1);
	end = ((uintptr_t)b->p + b->len + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	if (mlock((void *)start, end - start) == 0)
		return true;
	for (a = start; a < end; a += PAGE_SIZE_4K) {
		uintptr_t in = a < (uintptr_t)b->p ? (uintptr_t)b->p : a;

		(void)*(volatile const char *)in;
	}
	return false;
}

static void unlock_buf(const struct ctl_buf *b, bool locked)
{
	uintptr_t start, end;

	if (!locked)
		return;
	start = (uintptr_t)b->p & ~(PAGE_SIZE_4K - 1);
	end = ((uintptr_t)b->p + b->len + PAGE_SIZE_4K - 1) & ~(PAGE_SIZE_4K - 1);
	munlock((void *)start, end - start);
}

/* The buffers @ctl points at, per command. Returns how many. */
static unsigned int ctl_bufs(struct ward_ctl *ctl, struct ctl_buf *bufs)
{
	unsigned int n = 0;

	bufs[n++] = (struct ctl_buf){ ctl, sizeof(*ctl) };
	switch (ctl->cmd) {
	case WARD_CTL_create:
		bufs[n++] = (struct ctl_buf){
			(void *)(uintptr_t)ctl->u.create.kernel,
			ctl->u.create.kernel_len };
		bufs[n++] = (struct ctl_buf){
			(void *)(uintptr_t)ctl->u.create.ramdisk,
			ctl->u.create.ramdisk_len };
		if (ctl->u.create.cmdline) {
			const char *s = (const char *)(uintptr_t)ctl->u.create.cmdline;

			bufs[n++] = (struct ctl_buf){ (void *)s, strlen(s) + 1 };
		}
		break;
	case WARD_CTL_list:
		bufs[n++] = (struct ctl_buf){
			(void *)(uintptr_t)ctl->u.list.buf,
			(size_t)ctl->u.list.max * sizeof(struct ward_dominfo) };
		break;
	case WARD_CTL_console_read:
		bufs[n++] = (struct ctl_buf){
			(void *)(uintptr_t)ctl->u.console_read.buf,
			ctl->u.console_read.len };
		break;
	}
	return n;
}

int ward_ctl(int privcmd_fd, struct ward_ctl *ctl)
{
	privcmd_hypercall_t call = {
		.op = WARD_HYPERCALL_ctl,
		.arg = { (uint64_t)(uintptr_t)ctl },
	};
	struct ctl_buf bufs[4];
	bool locked[4];
	unsigned int n, i;
	int rc, err;

	ctl->version = WARD_CTL_VERSION;
	n = ctl_bufs(ctl, bufs);
	for (i = 0; i < n; i++)
		locked[i] = lock_buf(&bufs[i]);

	rc = ioctl(privcmd_fd, IOCTL_PRIVCMD_HYPERCALL, &call);
	err = errno;

	for (i = 0; i < n; i++)
		unlock_buf(&bufs[i], locked[i]);
	if (rc < 0)
		return -err;
	return 0;
}

void *foreign_map_page(int privcmd_fd, uint16_t domid, uint64_t mfn)
{
	xen_pfn_t frame = mfn;
	int err = 0;
	privcmd_mmapbatch_v2_t batch;
	void *p;

	/* privcmd only maps into a VMA of its own, covering exactly num pages. */
	p = mmap(NULL, PAGE_SIZE_4K, PROT_READ | PROT_WRITE, MAP_SHARED,
		 privcmd_fd, 0);
	if (p == MAP_FAILED)
		return NULL;

	memset(&batch, 0, sizeof(batch));
	batch.num = 1;
	batch.dom = domid;
	batch.addr = (uint64_t)(uintptr_t)p;
	batch.arr = &frame;
	batch.err = &err;
	/* The ioctl returns 0 even when the frame failed: err says. */
	if (ioctl(privcmd_fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &batch) < 0) {
		err = errno;
		goto fail;
	}
	if (err) {
		err = err < 0 ? -err : err;
		goto fail;
	}
	return p;

fail:
	munmap(p, PAGE_SIZE_4K);
	errno = err;
	return NULL;
}

void foreign_unmap_page(void *p)
{
	if (p)
		munmap(p, PAGE_SIZE_4K);
}
