// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl destroy | shutdown [-w] | pause | unpause NAME|ID. Each resolves
 * its argument against the live domain list first; dom0 is refused.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "xs.h"
#include "wardctl.h"

#define FLAG_WAIT	(1u << 0)	/* shutdown -w */
#define WATCH_TOKEN	"wardctl-shutdown"
#define POLL_MS		1000	/* re-check even without a watch event */

/* Resolve argv's NAME|ID; opens privcmd and (if @want_xs) xenstore. */
static int target(int argc, char **argv, const char *flags, bool want_xs,
		  int *fd, struct xs_handle **xs, struct dom_entry *d,
		  unsigned int *got_flags)
{
	struct verb_args args;

	if (verb_parse(argc, argv, flags, "domain NAME or ID", &args))
		return 2;
	*got_flags = args.flags;
	*fd = ctl_open();
	if (*fd < 0)
		return 1;
	*xs = NULL;
	if (want_xs) {
		*xs = store_open();
		if (!*xs)
			return 1;
	} else {
		*xs = xs_open(NULL);	/* names only, if xenstored runs */
	}
	if (dom_find(*fd, *xs, args.pos, d))
		return 1;
	if (d->info.domid == 0) {
		pr_err("%s: refusing to act on dom0", argv[0]);
		return 1;
	}
	return 0;
}

int cmd_destroy(int argc, char **argv)
{
	struct xs_handle *xs;
	struct dom_entry d;
	unsigned int flags;
	int fd, rc;

	rc = target(argc, argv, "", false, &fd, &xs, &d, &flags);
	if (rc)
		return rc;
	return dom_teardown(fd, xs, d.info.domid) ? 1 : 0;
}

static int pause_op(int argc, char **argv, uint32_t cmd)
{
	struct xs_handle *xs;
	struct dom_entry d;
	unsigned int flags;
	int fd, rc;

	rc = target(argc, argv, "", false, &fd, &xs, &d, &flags);
	if (rc)
		return rc;
	struct ward_ctl ctl = { .cmd = cmd, .domid = d.info.domid };

	return ctl_call(fd, &ctl, argv[0]) ? 1 : 0;
}

int cmd_pause(int argc, char **argv)
{
	return pause_op(argc, argv, WARD_CTL_pause);
}

int cmd_unpause(int argc, char **argv)
{
	return pause_op(argc, argv, WARD_CTL_unpause);
}

/* true once @domid is shut down, dying or gone. */
static bool is_down(int fd, uint32_t domid)
{
	struct dom_entry d;
	struct dom_entry *doms;
	unsigned int nr, i;
	bool down = true;

	if (dom_list(fd, NULL, &doms, &nr))
		return false;
	for (i = 0; i < nr; i++) {
		if (doms[i].info.domid != domid)
			continue;
		d = doms[i];
		down = d.info.flags & (WARD_DOMINF_shutdown | WARD_DOMINF_dying);
	}
	free(doms);
	return down;
}

/*
 * Wait for the domain to go down: xenstored fires @releaseDomain on every
 * domain state change (it alone binds VIRQ_DOM_EXC); the timeout re-checks
 * in case an event is missed.
 */
static void wait_down(int fd, struct xs_handle *xs, uint32_t domid)
{
	struct pollfd p = { .fd = xs_fileno(xs), .events = POLLIN };
	char *path, *token;

	if (xs_watch(xs, "@releaseDomain", WATCH_TOKEN))
		pr_warn("cannot watch @releaseDomain; polling");
	while (!is_down(fd, domid)) {
		while (xs_read_watch(xs, &path, &token, XS_NONBLOCK) == 0) {
			free(path);
			free(token);
		}
		poll(&p, 1, POLL_MS);
	}
}

/* Ask the guest, through control/shutdown, to power off or reboot. */
static int request(int argc, char **argv, const char *what, const char *flags,
		   struct xs_handle **xs, struct dom_entry *d, int *fd, unsigned int *got)
{
	char path[XS_PATH_MAX];
	int rc;

	rc = target(argc, argv, flags, true, fd, xs, d, got);
	if (rc)
		return rc;
	/* The guest's xenbus watch sees this and acts (Linux: manage.c). */
	layout_home(d->info.domid, path, sizeof(path));
	strcat(path, "/control/shutdown");
	rc = xs_write_str(*xs, XS_NO_TX, path, what);
	if (rc) {
		pr_err("%s: writing %s: %s", argv[0], path, strerror(-rc));
		return 1;
	}
	return 0;
}

int cmd_shutdown(int argc, char **argv)
{
	struct xs_handle *xs;
	struct dom_entry d;
	unsigned int flags;
	int fd, rc;

	rc = request(argc, argv, "poweroff", "w", &xs, &d, &fd, &flags);
	if (rc)
		return rc;
	printf("Shutting down domain %" PRIu32 "\n", d.info.domid);
	if (!(flags & FLAG_WAIT))
		return 0;
	printf("Waiting for domain %s (%" PRIu32 ") to die\n",
	       d.name[0] ? d.name : "?", d.info.domid);
	fflush(stdout);
	wait_down(fd, xs, d.info.domid);
	rc = dom_teardown(fd, xs, d.info.domid);
	if (!rc)
		printf("Domain %" PRIu32 " has been shut down\n", d.info.domid);
	return rc ? 1 : 0;
}

int cmd_reboot(int argc, char **argv)
{
	struct xs_handle *xs;
	struct dom_entry d;
	unsigned int flags;
	int fd, rc;

	rc = request(argc, argv, "reboot", "", &xs, &d, &fd, &flags);
	if (rc)
		return rc;
	printf("Rebooting domain %" PRIu32 "\n", d.info.domid);
	return 0;
}
