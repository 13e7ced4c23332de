// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl domid NAME, domname ID, rename NAME|ID NEWNAME and sysrq
 * NAME|ID KEY: the verbs that read or write one xenstore node of a
 * domain's home, as xl's do.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xs.h"
#include "wardctl.h"

int cmd_domid(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	int fd;

	if (verb_parse(argc, argv, "", "domain NAME", &args))
		return 2;
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	printf("%" PRIu32 "\n", d.info.domid);
	return 0;
}

int cmd_domname(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	int fd;

	if (verb_parse(argc, argv, "", "domain ID", &args))
		return 2;
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	if (!d.name[0]) {
		pr_err("domname: domain %" PRIu32 " has no name (created with create -n?)",
		       d.info.domid);
		return 1;
	}
	printf("%s\n", d.name);
	return 0;
}

int cmd_rename(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d, other;
	char path[XS_PATH_MAX];
	int fd, rc;

	if (verb_parse2(argc, argv, "", "domain NAME or ID", "NEWNAME", &args))
		return 2;
	if (!config_valid_name(args.pos2)) {
		pr_err("rename: '%s': use letters, digits, '-', '_' and '.', not only digits",
		       args.pos2);
		return 2;
	}
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	if (d.info.domid == 0) {
		pr_err("rename: dom0 is always %s", DOM0_NAME);
		return 1;
	}
	/* Under the lock: a create checking the same name waits for us. */
	if (ctl_lock() < 0)
		return 1;
	if (dom_find_quiet(fd, xs, args.pos2, &other) == 0) {
		pr_err("rename: a domain called \"%s\" already exists (id %" PRIu32 ")",
		       args.pos2, other.info.domid);
		return 1;
	}
	layout_home(d.info.domid, path, sizeof(path));
	strcat(path, "/name");
	rc = xs_write_str(xs, XS_NO_TX, path, args.pos2);
	if (rc) {
		pr_err("rename: writing %s: %s", path, strerror(-rc));
		return 1;
	}
	return 0;
}

int cmd_sysrq(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char path[XS_PATH_MAX];
	int fd, rc;

	if (verb_parse2(argc, argv, "", "domain NAME or ID", "KEY (one letter or digit)",
			&args))
		return 2;
	if (strlen(args.pos2) != 1 || !isalnum((unsigned char)args.pos2[0])) {
		pr_err("sysrq: KEY is one letter or digit (e.g. h: the guest prints the keys it knows), not '%s'",
		       args.pos2);
		return 2;
	}
	if (dom_open_find(args.pos, &fd, &xs, &d))
		return 1;
	if (d.info.domid == 0) {
		pr_err("sysrq: for dom0, write the key to /proc/sysrq-trigger");
		return 1;
	}
	/* Linux's xenbus watch reads it, clears it and handles the key. */
	layout_home(d.info.domid, path, sizeof(path));
	strcat(path, "/control/sysrq");
	rc = xs_write_str(xs, XS_NO_TX, path, args.pos2);
	if (rc) {
		pr_err("sysrq: writing %s: %s", path, strerror(-rc));
		return 1;
	}
	return 0;
}
