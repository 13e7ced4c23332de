/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What create writes to xenstore for a domain (pv-abi-devices.md §4.2-4.4),
 * computed as data so that it is unit tested and written in one
 * transaction: the domain's home, its console and store, then each vbd and
 * vif as a frontend dir followed by its backend dir.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define XS_PATH_MAX	256
#define XS_VALUE_MAX	CFG_STR_MAX
#define XS_PERMS_MAX	32

/* One node: path, value ("" for a directory) and its permissions. */
struct xs_entry {
	char path[XS_PATH_MAX];
	char value[XS_VALUE_MAX];
	char perms[XS_PERMS_MAX];	/* "n0,r5": owner+default, then readers */
};

struct xs_plan {
	struct xs_entry *e;
	unsigned int nr, max;
};

/* What create learned before the xenstore writes. */
struct dom_build {
	uint32_t domid;
	uint64_t store_mfn, console_mfn;
	uint32_t store_port, console_port;
	/* Per disk: the block device blkback opens (the loop device). */
	unsigned int disk_major[CFG_MAX_DISKS], disk_minor[CFG_MAX_DISKS];
	/* Its path ("/dev/loop0"); destroy detaches it when it is a loop. */
	char disk_node[CFG_MAX_DISKS][32];
	uint8_t vif_mac[CFG_MAX_VIFS][6];	/* chosen when the config had none */
	char console_log[XS_PATH_MAX];
	/* dom0's CLOCK_BOOTTIME at create, "S.CC" seconds: for uptime */
	char start_time[32];
};

/* Paths, so that create and destroy agree. */
void layout_home(uint32_t domid, char *buf, size_t len);
void layout_backend_dir(const char *type, uint32_t domid, char *buf, size_t len);

/*
 * Fill @plan with every node of the domain in write order. 0, or -ENOSPC
 * if plan->max is too small, or -ENAMETOOLONG if a path does not fit.
 */
int layout_domain(const struct dom_config *cfg, const struct dom_build *b,
		  struct xs_plan *plan);

/*
 * Fill @plan with one vbd of domain @domid, its frontend dir then its
 * backend dir, exactly as layout_domain() writes a disk: what
 * block-attach adds to a running domain. @major:@minor and @node are the
 * block device the backend opens. 0, -ENOSPC or -ENAMETOOLONG.
 */
int layout_vbd(const struct cfg_disk *d, uint32_t domid, unsigned int major,
	       unsigned int minor, const char *node, struct xs_plan *plan);
/* "/local/domain/D/device/vbd/V": where the frontend of vbd @vdev lives. */
void layout_vbd_frontend(uint32_t domid, uint32_t vdev, char *buf, size_t len);

/* The same for one vif, handle @handle, MAC @mac: for network-attach. */
int layout_vif(const struct cfg_vif *vif, uint32_t domid, unsigned int handle,
	       const uint8_t mac[6], struct xs_plan *plan);

/* A MAC in Xen's OUI 00:16:3e with the low three bytes from @rnd. */
void layout_random_mac(uint8_t mac[6], const uint8_t rnd[3]);

/* "00:16:3e:0a:0b:0c" into @buf (at least 18 bytes). */
void layout_format_mac(const uint8_t mac[6], char *buf);
