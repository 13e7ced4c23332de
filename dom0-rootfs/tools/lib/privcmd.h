/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/xen/privcmd: Ward's control hypercall and foreign page mappings.
 * The only code in dom0 that issues hypercalls.
 */
#pragma once

#include <stdint.h>
#include <ward/ctl.h>

/* Open /dev/xen/privcmd (close-on-exec): an fd, or -1 with errno set. */
int privcmd_open(void);

/*
 * Issue WARD_HYPERCALL_ctl with @ctl. Fills in ctl->version. Every buffer
 * the command names (the create images and command line, the list array)
 * and @ctl itself are locked in memory for the duration of the call, so
 * the hypervisor never meets an unmapped page. Returns 0 or -errno (the
 * hypercall's own error, or the ioctl's).
 */
int ward_ctl(int privcmd_fd, struct ward_ctl *ctl);

/*
 * Map machine frame @mfn owned by domain @domid read-write into this
 * process (IOCTL_PRIVCMD_MMAPBATCH_V2). The page, or NULL with errno set.
 */
void *foreign_map_page(int privcmd_fd, uint16_t domid, uint64_t mfn);

/* Undo foreign_map_page(); NULL is ignored. */
void foreign_unmap_page(void *p);
