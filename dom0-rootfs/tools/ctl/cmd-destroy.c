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

#include "privcmd.h"
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

/*
 * The gone domain @arg (a name or id) left something: its id into *@domid.
 * Names come from the leftover xenstore homes.
 */
static bool find_leftover(struct xs_handle *xs, const struct dom_entry *doms,
			  unsigned int nr, const char *arg, uint32_t *domid)
{
	uint32_t ids[64];
	char path[64], name[CFG_NAME_MAX];
	int n, i;

	n = dom_leftovers(xs, doms, nr, ids, 64);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/name", ids[i]);
		if (xs && store_read(xs, path, name, sizeof(name)) == 0 &&
		    !strcmp(name, arg))
			break;
		snprintf(name, sizeof(name), "%" PRIu32, ids[i]);
		if (!strcmp(name, arg))
			break;
	}
	if (i == n)
		return false;
	*domid = ids[i];
	return true;
}

/*
 * Under the lock and with signals held: a destroy is never half-done. A
 * Ctrl-C waits for the end (each step is bounded), then ends wardctl.
 */
int cmd_destroy(int argc, char **argv)
{
	struct dom_entry *doms;
	struct xs_handle *xs;
	struct verb_args args;
	unsigned int nr;
	uint32_t domid;
	int fd, i, rc = 1;

	if (verb_parse(argc, argv, "", "domain NAME or ID", &args))
		return 2;
	fd = ctl_open();
	if (fd < 0)
		return 1;
	xs = xs_open(NULL);	/* names and backends, if xenstored runs */
	if (ctl_lock() < 0)
		return 1;
	sig_defer();
	if (dom_list(fd, xs, &doms, &nr))
		return sig_finish(1);
	i = dominfo_lookup(doms, nr, args.pos);
	if (i >= 0 && doms[i].info.domid == 0) {
		pr_err("destroy: refusing to act on dom0");
	} else if (i >= 0) {
		rc = dom_teardown(fd, xs, doms[i].info.domid) ? 1 : 0;
	} else if (find_leftover(xs, doms, nr, args.pos, &domid)) {
		fprintf(stderr, "wardctl: domain %s (id %" PRIu32 ") no longer exists; removing what it left behind\n",
			args.pos, domid);
		rc = dom_teardown(fd, xs, domid) ? 1 : 0;
	} else {
		pr_err("no domain '%s' (see wardctl list)", args.pos);
	}
	free(doms);
	return sig_finish(rc);
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
	if (cmd == WARD_CTL_unpause && !(d.info.flags & WARD_DOMINF_paused)) {
		pr_err("unpause: domain %s (id %" PRIu32 ") is not paused (it is running; 'wardctl pause' stops it)",
		       d.name[0] ? d.name : "?", d.info.domid);
		return 1;
	}
	struct ward_ctl ctl = { .cmd = cmd, .domid = d.info.domid };

	rc = ward_ctl(fd, &ctl);
	/* Someone else unpaused it between our list and the call. */
	if (rc == -EINVAL && cmd == WARD_CTL_unpause)
		pr_err("unpause: domain %" PRIu32 " is not paused", d.info.domid);
	else
		ctl_report(rc, argv[0]);
	return rc ? 1 : 0;
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
	/* Waiting may be interrupted; the teardown, like destroy, may not. */
	if (ctl_lock() < 0)
		return 1;
	sig_defer();
	rc = dom_teardown(fd, xs, d.info.domid);
	if (!rc)
		printf("Domain %" PRIu32 " has been shut down\n", d.info.domid);
	return sig_finish(rc ? 1 : 0);
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
