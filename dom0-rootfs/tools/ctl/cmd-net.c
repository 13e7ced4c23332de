// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl network-attach NAME|ID [SPEC...], network-detach NAME|ID
 * DEVID|MAC and network-list NAME|ID: vifs of a running domain, as xl's
 * verbs. Attach takes the lowest free handle, writes the vif's frontend
 * and backend dirs in one transaction (layout_vif(), the nodes create
 * writes) and plugs netback's vif<D>.<H> into its bridge (vif.c). Detach
 * asks the guest to let go, removes both dirs and waits for netback to
 * remove the interface. Both hold ctl_lock; held signals undo an attach.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>

#include "xs.h"
#include "config.h"
#include "wardctl.h"

#define VIF_PLAN_MAX		40	/* layout_vif writes ~20 nodes */
#define SPEC_MAX		512
#define IFGONE_TRIES		50	/* netback removes vifD.H as it unregisters */
#define IFGONE_WAIT_US		100000

/* A handle with neither a frontend nor a backend dir, or -1. */
static int free_handle(struct xs_handle *xs, uint32_t domid)
{
	char fe[XS_PATH_MAX], be[XS_PATH_MAX];
	unsigned int h;

	for (h = 0; h < CFG_MAX_VIFS; h++) {
		dev_paths("vif", domid, h, fe, be, sizeof(fe));
		if (store_read_int(xs, fe, "handle") < 0 &&
		    store_read_int(xs, be, "state") < 0)
			return (int)h;
	}
	return -1;
}

/* xl takes the spec as separate KEY=VALUE words; ours is one, commas between. */
static int join_spec(int argc, char **argv, char *buf, size_t len)
{
	size_t used = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < argc; i++) {
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "", argv[i]);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

int cmd_network_attach(int argc, char **argv)
{
	static struct xs_entry entries[VIF_PLAN_MAX];
	struct xs_plan plan = { .e = entries, .max = VIF_PLAN_MAX };
	char spec[SPEC_MAX], err[CFG_MSG_MAX], fe[XS_PATH_MAX], be[XS_PATH_MAX];
	struct cfg_vif vif;
	struct xs_handle *xs;
	struct dom_entry d;
	uint8_t mac[6], rnd[3];
	int fd, h, sig = 0, st, rc;

	if (argc < 2 || argv[1][0] == '-') {
		pr_err("network-attach: missing domain NAME or ID");
		return 2;
	}
	if (join_spec(argc - 2, argv + 2, spec, sizeof(spec)) ||
	    config_parse_vif(spec, &vif, err, sizeof(err))) {
		pr_err("network-attach: %s", spec[0] ? err : "spec too long");
		return 2;
	}
	if (dom_find_domu("network-attach", argv[1], &fd, &xs, &d))
		return 1;
	if (ctl_lock() < 0)
		return 1;
	sig_defer();
	h = free_handle(xs, d.info.domid);
	if (h < 0) {
		pr_err("network-attach: domain %s has %d vifs already; detach one first",
		       d.name, CFG_MAX_VIFS);
		return sig_finish(1);
	}
	if (vif.mac_set) {
		memcpy(mac, vif.mac, sizeof(mac));
	} else {
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			pr_err("network-attach: getrandom: %s", strerror(errno));
			return sig_finish(1);
		}
		layout_random_mac(mac, rnd);
	}
	dev_paths("vif", d.info.domid, (uint32_t)h, fe, be, sizeof(fe));
	rc = layout_vif(&vif, d.info.domid, (unsigned int)h, mac, &plan);
	if (rc) {
		pr_err("network-attach: xenstore layout: %s", strerror(-rc));
		return sig_finish(1);
	}
	if (store_apply(xs, &plan))
		goto undo;
	if ((sig = sig_caught("net-stored")))
		goto undo;
	rc = vif_plug(xs, d.info.domid, (unsigned int)h, vif.bridge);
	if (rc == -EINTR)
		sig = sig_caught("");
	if (rc)
		goto undo;
	st = dev_wait_state(xs, be, DEV_WAIT_CONNECTED);
	if ((sig = sig_caught("")))
		goto undo;
	if (!dev_state_reached(st, DEV_WAIT_CONNECTED))
		pr_warn("network-attach: vif %d is attached, but domain %s has not connected it yet (backend state %d; has it a netfront driver?)",
			h, d.name, st);
	return sig_finish(0);

undo:
	if (sig)
		pr_err("network-attach: interrupted (%s); undoing it", strsignal(sig));
	dev_remove(xs, fe, be);
	return sig_finish(1);
}

/* The handle of the vif @dev names (its devid, or its MAC), or -1. */
static int find_vif(struct xs_handle *xs, uint32_t domid, const char *dev)
{
	char fe[XS_PATH_MAX], be[XS_PATH_MAX], path[XS_PATH_MAX + 8], mac[24];
	unsigned int h;
	char *end;
	unsigned long n;

	n = strtoul(dev, &end, 10);
	for (h = 0; h < CFG_MAX_VIFS; h++) {
		dev_paths("vif", domid, h, fe, be, sizeof(fe));
		if (store_read_int(xs, be, "state") < 0 &&
		    store_read_int(xs, fe, "state") < 0)
			continue;
		if (!*end && end != dev && n == h)
			return (int)h;
		snprintf(path, sizeof(path), "%s/mac", be);
		if (store_read(xs, path, mac, sizeof(mac)) == 0 &&
		    !strcasecmp(mac, dev))
			return (int)h;
	}
	return -1;
}

int cmd_network_detach(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char fe[XS_PATH_MAX], be[XS_PATH_MAX], ifname[32];
	unsigned int try;
	int fd, h, st;

	if (verb_parse2(argc, argv, "", "domain NAME or ID", "DEVID or MAC", &args))
		return 2;
	if (dom_find_domu("network-detach", args.pos, &fd, &xs, &d))
		return 1;
	if (ctl_lock() < 0)
		return 1;
	h = find_vif(xs, d.info.domid, args.pos2);
	if (h < 0) {
		pr_err("network-detach: domain %s has no vif %s (see wardctl network-list %s)",
		       d.name, args.pos2, d.name);
		return 1;
	}
	sig_defer();
	dev_paths("vif", d.info.domid, (uint32_t)h, fe, be, sizeof(fe));
	dev_ask_close(xs, be);
	st = dev_wait_state(xs, fe, DEV_WAIT_CLOSED);
	if (!dev_state_reached(st, DEV_WAIT_CLOSED))
		pr_warn("network-detach: domain %s did not close vif %d within %d s; removing it anyway",
			d.name, h, dev_wait_secs());
	dev_remove(xs, fe, be);
	snprintf(ifname, sizeof(ifname), "vif%" PRIu32 ".%d", d.info.domid, h);
	/* Bounded: netback drops the interface as it unregisters the device. */
	for (try = 0; try < IFGONE_TRIES && netdev_exists(ifname); try++)
		usleep(IFGONE_WAIT_US);
	if (netdev_exists(ifname))
		pr_warn("network-detach: %s is still there", ifname);
	return sig_finish(0);
}

int cmd_network_list(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char fe[XS_PATH_MAX], be[XS_PATH_MAX], path[XS_PATH_MAX + 8];
	char line[XS_PATH_MAX + 96];
	unsigned int h;
	int fd;

	if (verb_parse(argc, argv, "", "domain NAME or ID", &args))
		return 2;
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	fputs(dominfo_nic_header(), stdout);
	for (h = 0; h < CFG_MAX_VIFS; h++) {
		struct dom_nic_row r = { .idx = (int)h, .handle = (int)d.info.domid };

		dev_paths("vif", d.info.domid, h, fe, be, sizeof(fe));
		r.state = store_read_int(xs, fe, "state");
		if (r.state < 0 && store_read_int(xs, be, "state") < 0)
			continue;
		r.backend_id = store_read_int(xs, fe, "backend-id");
		/* With split event channels netfront writes -tx and -rx: show tx. */
		r.evtchn = store_read_int(xs, fe, "event-channel");
		if (r.evtchn < 0)
			r.evtchn = store_read_int(xs, fe, "event-channel-tx");
		r.tx_ring_ref = store_read_int(xs, fe, "tx-ring-ref");
		r.rx_ring_ref = store_read_int(xs, fe, "rx-ring-ref");
		snprintf(path, sizeof(path), "%s/mac", fe);
		if (store_read(xs, path, r.mac, sizeof(r.mac)))
			snprintf(r.mac, sizeof(r.mac), "-");
		snprintf(r.be_path, sizeof(r.be_path), "%s", be);
		dominfo_nic_format(&r, line, sizeof(line));
		fputs(line, stdout);
	}
	return 0;
}
