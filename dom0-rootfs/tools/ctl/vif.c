// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dom0 side of a vif once its backend dir is written: netback's
 * interface vif<D>.<H> goes into its bridge (created if missing), and
 * hotplug-status tells netback it may connect. Shared by create and
 * network-attach.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <unistd.h>

#include "xs.h"
#include "wardctl.h"

#define VIF_WAIT_TRIES		100	/* netback registers vifD.H after InitWait */
#define VIF_WAIT_US		100000

bool netdev_exists(const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	return access(path, F_OK) == 0;
}

/*
 * Netback creates vif<D>.<H> once its backend reaches InitWait; it then
 * holds the backend short of Connected until hotplug-status says the
 * interface is in its bridge (pv-abi-devices.md §4.4).
 */
int vif_plug(struct xs_handle *xs, uint32_t domid, unsigned int h,
	     const char *bridge)
{
	char ifname[32], path[XS_PATH_MAX];
	unsigned int try;
	int rc;

	snprintf(ifname, sizeof(ifname), "vif%" PRIu32 ".%u", domid, h);
	if (!netdev_exists(bridge)) {
		char *addbr[] = { "brctl", "addbr", (char *)bridge, NULL };
		char *up[] = { "ip", "link", "set", (char *)bridge, "up", NULL };

		if (run(addbr, NULL, 0) != 0 || run(up, NULL, 0) != 0) {
			pr_err("vif %u: cannot create bridge %s", h, bridge);
			return -1;
		}
	}
	for (try = 0; try < VIF_WAIT_TRIES && !netdev_exists(ifname); try++) {
		if (sig_caught("vif-wait"))
			return -EINTR;	/* up to 10 s: Ctrl-C must not wait */
		usleep(VIF_WAIT_US);
	}
	if (!netdev_exists(ifname)) {
		pr_err("vif %u: %s did not appear (is xen-netback loaded?)", h, ifname);
		return -1;
	}
	{
		char *addif[] = { "brctl", "addif", (char *)bridge, ifname, NULL };
		char *up[] = { "ip", "link", "set", ifname, "up", NULL };

		if (run(addif, NULL, 0) != 0 || run(up, NULL, 0) != 0) {
			pr_err("vif %u: cannot add %s to bridge %s", h, ifname, bridge);
			return -1;
		}
	}
	layout_backend_dir("vif", domid, path, sizeof(path));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%u/hotplug-status", h);
	rc = xs_write_str(xs, XS_NO_TX, path, "connected");
	if (rc) {
		pr_err("vif %u: writing %s: %s", h, path, strerror(-rc));
		return -1;
	}
	return 0;
}
