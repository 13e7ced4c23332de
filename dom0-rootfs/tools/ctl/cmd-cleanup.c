// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl cleanup: remove what domains that no longer exist left behind,
 * and undo creates that were killed before they could undo themselves.
 * A domain is gone when the hypervisor does not list it; what it can
 * leave is its xenstore home, its vbd/vif backend dirs (and the loop
 * devices they name) and its console daemon's files in /run/ward. A
 * killed create leaves its journal (journal.h). "wardctl destroy NAME"
 * of a gone domain uses the same search.
 *
 * Runs under ctl_lock, so no create or destroy is half-way meanwhile:
 * every journal found is a dead create's, and no domain appears between
 * the list and the cleanup.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/xen.h>

#include "xs.h"
#include "journal.h"
#include "wardctl.h"

#define JOURNAL_MAX	4096
#define LEFTOVERS_MAX	256	/* gone domains handled per run */

static bool is_live(const struct dom_entry *doms, unsigned int nr, uint32_t domid)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (doms[i].info.domid == domid)
			return true;
	return false;
}

static void add_id(uint32_t *ids, unsigned int *n, unsigned int max, long id)
{
	unsigned int i;

	if (id <= 0 || id >= DOMID_FIRST_RESERVED)
		return;
	for (i = 0; i < *n; i++)
		if (ids[i] == (uint32_t)id)
			return;
	if (*n < max)
		ids[(*n)++] = (uint32_t)id;
}

/* Numeric children of xenstore dir @path that are not live domains. */
static void stale_in_dir(struct xs_handle *xs, const char *path,
			 const struct dom_entry *doms, unsigned int nr,
			 uint32_t *ids, unsigned int *n, unsigned int max)
{
	char **names, *end;
	unsigned int nn, i;
	long id;

	if (!xs || xs_directory(xs, XS_NO_TX, path, &names, &nn))
		return;
	for (i = 0; i < nn; i++) {
		id = strtol(names[i], &end, 10);
		if (*end == '\0' && !is_live(doms, nr, (uint32_t)id))
			add_id(ids, n, max, id);
	}
	free(names);
}

int dom_leftovers(struct xs_handle *xs, const struct dom_entry *doms,
		  unsigned int nr, uint32_t *ids, unsigned int max)
{
	unsigned int n = 0;
	struct dirent *e;
	DIR *dir;
	long id;

	stale_in_dir(xs, "/local/domain", doms, nr, ids, &n, max);
	stale_in_dir(xs, "/local/domain/0/backend/vbd", doms, nr, ids, &n, max);
	stale_in_dir(xs, "/local/domain/0/backend/vif", doms, nr, ids, &n, max);
	dir = opendir(WARDCTL_RUN_DIR);
	while (dir && (e = readdir(dir))) {
		id = journal_name_number(e->d_name, "console-", ".pid");
		if (id < 0)
			id = journal_name_number(e->d_name, "console-", ".sock");
		if (id >= 0 && !is_live(doms, nr, (uint32_t)id))
			add_id(ids, &n, max, id);
	}
	if (dir)
		closedir(dir);
	return (int)n;
}

/* true if a live domain's vbd backend names @node (then it is not ours to free). */
static bool loop_in_use(struct xs_handle *xs, const struct dom_entry *doms,
			unsigned int nr, const char *node)
{
	char dir[XS_PATH_MAX], path[XS_PATH_MAX + 32], val[32];
	unsigned int i, j, nv;
	char **vbds;
	bool used = false;

	for (i = 0; i < nr && !used && xs; i++) {
		layout_backend_dir("vbd", doms[i].info.domid, dir, sizeof(dir));
		if (xs_directory(xs, XS_NO_TX, dir, &vbds, &nv))
			continue;
		for (j = 0; j < nv && !used; j++) {
			snprintf(path, sizeof(path), "%s/%s/node", dir, vbds[j]);
			used = store_read(xs, path, val, sizeof(val)) == 0 &&
			       !strcmp(val, node);
		}
		free(vbds);
	}
	return used;
}

/* Undo what the dead create of journal @name holds. */
static void undo_journal(int fd, struct xs_handle *xs, const struct dom_entry *doms,
			 unsigned int nr, const char *name)
{
	char path[300], text[JOURNAL_MAX];
	struct journal j;
	unsigned int i;
	uint64_t dev, ino;
	ssize_t got;
	int jfd;

	snprintf(path, sizeof(path), WARDCTL_RUN_DIR "/%s", name);
	jfd = open(path, O_RDONLY | O_CLOEXEC);
	if (jfd < 0)
		return;
	got = read(jfd, text, sizeof(text) - 1);
	close(jfd);
	text[got > 0 ? got : 0] = '\0';
	journal_parse(text, &j);
	printf("cleanup: undoing the create that %s records\n", path);
	for (i = 0; i < nr && j.has_domain; i++) {
		const struct ward_dominfo *di = &doms[i].info;

		/* The same domain, not a newcomer under a reused id. */
		if (di->domid == j.domid && di->console_mfn == j.console_mfn &&
		    di->store_mfn == j.store_mfn) {
			printf("cleanup: destroying its half-made domain %" PRIu32 "\n",
			       j.domid);
			dom_teardown(fd, xs, j.domid);
		}
	}
	for (i = 0; i < j.nr_loops; i++) {
		const struct journal_loop *l = &j.loops[i];

		/* Still over the same file, and no live domain's disk. */
		if (loop_backing(l->node, &dev, &ino) || dev != l->dev ||
		    ino != l->ino || loop_in_use(xs, doms, nr, l->node))
			continue;
		printf("cleanup: detaching %s\n", l->node);
		loop_detach(l->node);
	}
	unlink(path);
}

/* The domains listed now, fresh after each change. */
static int relist(int fd, struct xs_handle *xs, struct dom_entry **doms,
		  unsigned int *nr)
{
	free(*doms);
	*doms = NULL;
	return dom_list(fd, xs, doms, nr);
}

int cmd_cleanup(int argc, char **argv)
{
	struct dom_entry *doms = NULL;
	struct xs_handle *xs;
	uint32_t ids[LEFTOVERS_MAX];
	unsigned int nr, did = 0;
	struct dirent *e;
	DIR *dir;
	int fd, lock, n, i;

	if (verb_no_args(argc, argv))
		return 2;
	fd = ctl_open();
	if (fd < 0)
		return 1;
	xs = xs_open(NULL);	/* without xenstored, only journals and files */
	lock = ctl_lock();
	if (lock < 0)
		return 1;
	sig_defer();
	if (relist(fd, xs, &doms, &nr))
		return sig_finish(1);

	dir = opendir(WARDCTL_RUN_DIR);
	while (dir && (e = readdir(dir))) {
		if (journal_name_number(e->d_name, "create-", ".journal") < 0)
			continue;
		undo_journal(fd, xs, doms, nr, e->d_name);
		did++;
		if (relist(fd, xs, &doms, &nr))
			break;
	}
	if (dir)
		closedir(dir);

	n = doms ? dom_leftovers(xs, doms, nr, ids, LEFTOVERS_MAX) : 0;
	for (i = 0; i < n; i++) {
		char path[64], name[CFG_NAME_MAX] = "";

		snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/name", ids[i]);
		if (xs)
			store_read(xs, path, name, sizeof(name));
		printf("cleanup: domain %" PRIu32 "%s%s%s no longer exists; removing what it left\n",
		       ids[i], name[0] ? " (" : "", name, name[0] ? ")" : "");
		dom_teardown(fd, xs, ids[i]);
		did++;
	}
	if (!did)
		printf("cleanup: nothing left over\n");
	free(doms);
	return sig_finish(0);
}
