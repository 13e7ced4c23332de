// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl block-attach NAME|ID SPEC, block-detach NAME|ID DEV and
 * block-list NAME|ID: disks of a running domain, as xl's verbs.
 *
 * Attach checks the disk as create does (disk-use.h, against every live
 * domain, this one included), attaches a file to a loop device, and
 * writes the vbd's frontend and backend dirs in one transaction
 * (layout_vbd(), the same nodes create writes). dom0's blkback and the
 * guest's blkfront watch those trees and connect by themselves. Detach
 * asks the guest to let go (backend online = 0, state Closing), waits for
 * its frontend to close, removes both dirs and detaches the loop device.
 * Both hold ctl_lock, and SIGINT and friends are held until they are done
 * or undone (signals.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs.h"
#include "config.h"
#include "disk-use.h"
#include "wardctl.h"

#define VBD_PLAN_MAX		40	/* layout_vbd writes ~22 nodes */

/* xl's disk-in-use rules against every live domain's vbds; 0 or -1 (printed). */
static int check_in_use(int fd, struct xs_handle *xs, const struct cfg_disk *d)
{
	struct dom_entry *doms = NULL;
	struct disk_use *uses = NULL;
	unsigned int nr = 0, nr_uses = 0;
	struct disk_id id;
	char msg[CFG_MSG_MAX + CFG_PATH_MAX];
	int rc, hit;

	rc = disk_identify(d->target, &id);
	if (rc) {
		pr_err("block-attach: disk %s: %s", d->target, strerror(-rc));
		return -1;
	}
	if (dom_list(fd, xs, &doms, &nr))
		return -1;
	if (dom_disk_uses(xs, doms, nr, &uses, &nr_uses)) {
		pr_err("block-attach: cannot read the disks of the live domains from xenstore");
		free(doms);
		return -1;
	}
	hit = disk_conflict(uses, nr_uses, &id, d);
	if (hit >= 0) {
		disk_conflict_msg(&uses[hit], d, msg, sizeof(msg));
		pr_err("block-attach: %s", msg);
	}
	free(uses);
	free(doms);
	return hit >= 0 ? -1 : 0;
}

int cmd_block_attach(int argc, char **argv)
{
	static struct xs_entry entries[VBD_PLAN_MAX];
	struct xs_plan plan = { .e = entries, .max = VBD_PLAN_MAX };
	struct verb_args args;
	struct cfg_disk disk;
	struct xs_handle *xs;
	struct dom_entry d;
	char err[CFG_MSG_MAX], node[32], fe[XS_PATH_MAX], be[XS_PATH_MAX];
	unsigned int maj, min;
	bool loop;
	int fd, sig, st, rc;

	if (verb_parse2(argc, argv, "", "domain NAME or ID",
			"disk SPEC (e.g. 'file:/img,xvdb,w')", &args))
		return 2;
	if (config_parse_disk(args.pos2, &disk, err, sizeof(err))) {
		pr_err("block-attach: %s", err);
		return 2;
	}
	if (dom_find_domu("block-attach", args.pos, &fd, &xs, &d))
		return 1;
	/* Held until the end: the check and the disk it checked agree. */
	if (ctl_lock() < 0)
		return 1;
	sig_defer();
	dev_paths("vbd", d.info.domid, disk.virtual_device, fe, be, sizeof(fe));
	if (store_read_int(xs, fe, "virtual-device") >= 0 ||
	    store_read_int(xs, be, "state") >= 0) {
		pr_err("block-attach: domain %s already has a disk as %s (see wardctl block-list %s); pick another vdev",
		       d.name, disk.vdev, d.name);
		return sig_finish(1);
	}
	if (check_in_use(fd, xs, &disk))
		return sig_finish(1);
	if (disk_backing(&disk, node, sizeof(node), &maj, &min, &loop))
		return sig_finish(1);
	if ((sig = sig_caught("attach-disk")))
		goto undo;
	rc = layout_vbd(&disk, d.info.domid, maj, min, node, &plan);
	if (rc) {
		pr_err("block-attach: xenstore layout: %s", strerror(-rc));
		goto undo;
	}
	if (store_apply(xs, &plan))
		goto undo;
	if ((sig = sig_caught("attach-stored")))
		goto undo;
	st = dev_wait_state(xs, be, DEV_WAIT_CONNECTED);
	if ((sig = sig_caught("")))
		goto undo;
	if (!dev_state_reached(st, DEV_WAIT_CONNECTED))
		pr_warn("block-attach: %s is attached, but domain %s has not connected it yet (backend state %d; has it a blkfront driver?)",
			disk.vdev, d.name, st);
	return sig_finish(0);

undo:
	if (sig)
		pr_err("block-attach: interrupted (%s); undoing it", strsignal(sig));
	dev_remove(xs, fe, be);
	if (loop)
		loop_detach(node);
	return sig_finish(1);
}

/* "xvdb" or its number "51728" into the vbd number; 0 if neither. */
static uint32_t parse_vdev(const char *dev)
{
	char *end;
	unsigned long n;

	if (config_vdev_number(dev))
		return config_vdev_number(dev);
	n = strtoul(dev, &end, 10);
	return (*end || end == dev || n > UINT32_MAX) ? 0 : (uint32_t)n;
}

int cmd_block_detach(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char be[XS_PATH_MAX], fe[XS_PATH_MAX], path[XS_PATH_MAX + 16], node[32] = "";
	uint32_t vdev;
	int fd, st;

	if (verb_parse2(argc, argv, "", "domain NAME or ID",
			"DEV (xvdb, or its number)", &args))
		return 2;
	vdev = parse_vdev(args.pos2);
	if (!vdev) {
		pr_err("block-detach: '%s' is not a disk name such as xvdb or its number (see wardctl block-list)",
		       args.pos2);
		return 2;
	}
	if (dom_find_domu("block-detach", args.pos, &fd, &xs, &d))
		return 1;
	if (ctl_lock() < 0)
		return 1;
	dev_paths("vbd", d.info.domid, vdev, fe, be, sizeof(fe));
	if (store_read_int(xs, be, "state") < 0 && store_read_int(xs, fe, "state") < 0) {
		pr_err("block-detach: domain %s has no disk %s (see wardctl block-list %s)",
		       d.name, args.pos2, d.name);
		return 1;
	}
	sig_defer();
	snprintf(path, sizeof(path), "%s/node", be);
	store_read(xs, path, node, sizeof(node));
	dev_ask_close(xs, be);
	st = dev_wait_state(xs, fe, DEV_WAIT_CLOSED);
	if (!dev_state_reached(st, DEV_WAIT_CLOSED))
		pr_warn("block-detach: domain %s did not release %s within %d s (in use, mounted?); removing it anyway",
			d.name, args.pos2, dev_wait_secs());
	dev_remove(xs, fe, be);
	if (!strncmp(node, "/dev/loop", 9) && loop_detach(node))
		pr_warn("block-detach: %s is still busy; 'wardctl cleanup' can detach it later",
			node);
	return sig_finish(0);
}

int cmd_block_list(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char dir[XS_PATH_MAX], fe[XS_PATH_MAX + 16], line[XS_PATH_MAX + 64];
	char **names = NULL;
	unsigned int n = 0, i;
	int fd;

	if (verb_parse(argc, argv, "", "domain NAME or ID", &args))
		return 2;
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	fputs(dominfo_vbd_header(), stdout);
	layout_home(d.info.domid, dir, sizeof(dir));
	strcat(dir, "/device/vbd");
	if (xs_directory(xs, XS_NO_TX, dir, &names, &n))
		return 0;	/* no disks */
	for (i = 0; i < n; i++) {
		struct dom_vbd_row r = { .handle = (int)d.info.domid };

		snprintf(fe, sizeof(fe), "%s/%s", dir, names[i]);
		r.vdev = atoi(names[i]);
		r.backend_id = store_read_int(xs, fe, "backend-id");
		r.state = store_read_int(xs, fe, "state");
		r.evtchn = store_read_int(xs, fe, "event-channel");
		r.ring_ref = store_read_int(xs, fe, "ring-ref");
		snprintf(line, sizeof(line), "%s/backend", fe);
		if (store_read(xs, line, r.be_path, sizeof(r.be_path)))
			snprintf(r.be_path, sizeof(r.be_path), "-");
		dominfo_vbd_format(&r, line, sizeof(line));
		fputs(line, stdout);
	}
	free(names);
	return 0;
}
