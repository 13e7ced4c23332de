// SPDX-License-Identifier: GPL-2.0-only
/*
 * Domains as the hypervisor (WARD_CTL_*) and xenstore see them, and the
 * teardown shared by destroy, shutdown -w and a failed create.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <sys/file.h>

#include "privcmd.h"
#include "xs.h"
#include "wardctl.h"

#define LIST_CHUNK		64	/* dominfo entries per WARD_CTL_list */
#define DESTROY_RETRIES		50	/* -EAGAIN while the domain's memory goes */
#define DESTROY_RETRY_US	100000
#define TX_RETRIES		10
#define CONSOLE_EXIT_TRIES	100	/* its cleanup is a few syscalls; 2 s */
#define CONSOLE_EXIT_WAIT_US	20000
/* Beside /run/ward, not in it: that holds only state of live domains. */
#define LOCK_PATH		"/run/wardctl.lock"

int ctl_open(void)
{
	int fd = privcmd_open();

	if (fd < 0)
		pr_err("cannot open /dev/xen/privcmd: %s (not dom0 on Ward?)",
		       strerror(errno));
	return fd;
}

void ctl_report(int rc, const char *what)
{
	if (rc == -EACCES)
		pr_err("%s: the hypervisor speaks another control version than wardctl (%d)",
		       what, WARD_CTL_VERSION);
	else if (rc == -ENOSYS)
		pr_err("%s: the hypervisor has no Ward control interface", what);
	else if (rc)
		pr_err("%s: %s", what, strerror(-rc));
}

int ctl_call(int fd, struct ward_ctl *ctl, const char *what)
{
	int rc = ward_ctl(fd, ctl);

	ctl_report(rc, what);
	return rc;
}

int ctl_lock(void)
{
	int fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		pr_err("%s: %s", LOCK_PATH, strerror(errno));
		return -1;
	}
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			pr_err("locking %s: %s", LOCK_PATH, strerror(errno));
			close(fd);
			return -1;
		}
	}
	return fd;
}

void clock_start_time(char *buf, size_t len)
{
	struct timespec ts = { 0 };

	clock_gettime(CLOCK_BOOTTIME, &ts);
	snprintf(buf, len, "%lld.%02ld", (long long)ts.tv_sec, ts.tv_nsec / 10000000);
}

struct xs_handle *store_open(void)
{
	struct xs_handle *xs = xs_open(NULL);

	if (!xs)
		pr_err("cannot connect to xenstored (%s): %s", XS_SOCKET_PATH,
		       strerror(errno));
	return xs;
}

int store_read(struct xs_handle *xs, const char *path, char *buf, size_t len)
{
	char *val;
	int rc = xs_read(xs, XS_NO_TX, path, &val, NULL);

	if (rc)
		return rc;
	snprintf(buf, len, "%s", val);
	free(val);
	return 0;
}

int dom_list(int fd, struct xs_handle *xs, struct dom_entry **doms,
	     unsigned int *nr)
{
	static struct ward_dominfo chunk[LIST_CHUNK];
	struct dom_entry *all = NULL, *grown;
	unsigned int n = 0, i;
	uint32_t next = 0;
	char path[64];

	for (;;) {
		struct ward_ctl ctl = { .cmd = WARD_CTL_list, .domid = next };

		ctl.u.list.buf = (uintptr_t)chunk;
		ctl.u.list.max = LIST_CHUNK;
		if (ctl_call(fd, &ctl, "list domains")) {
			free(all);
			return -EIO;
		}
		if (ctl.u.list.nr > LIST_CHUNK)
			ctl.u.list.nr = LIST_CHUNK;
		grown = realloc(all, (n + ctl.u.list.nr + 1) * sizeof(*all));
		if (!grown) {
			free(all);
			return -ENOMEM;
		}
		all = grown;
		for (i = 0; i < ctl.u.list.nr; i++) {
			memset(&all[n], 0, sizeof(all[n]));
			all[n].info = chunk[i];
			if (chunk[i].domid == 0)
				strcpy(all[n].name, DOM0_NAME);
			else if (xs) {
				snprintf(path, sizeof(path), "/local/domain/%" PRIu32 "/name",
					 chunk[i].domid);
				store_read(xs, path, all[n].name, sizeof(all[n].name));
			}
			n++;
		}
		if (ctl.u.list.nr < LIST_CHUNK)
			break;
		next = chunk[LIST_CHUNK - 1].domid + 1;
	}
	*doms = all;
	*nr = n;
	return 0;
}

int dom_find_quiet(int fd, struct xs_handle *xs, const char *arg,
		   struct dom_entry *out)
{
	struct dom_entry *doms;
	unsigned int nr;
	int rc, i;

	rc = dom_list(fd, xs, &doms, &nr);
	if (rc)
		return rc;
	i = dominfo_lookup(doms, nr, arg);
	if (i >= 0)
		*out = doms[i];
	free(doms);
	return i < 0 ? i : 0;
}

int dom_find(int fd, struct xs_handle *xs, const char *arg,
	     struct dom_entry *out)
{
	int rc = dom_find_quiet(fd, xs, arg, out);

	if (rc == -ENOENT || rc == -EINVAL)
		pr_err("no domain '%s' (see wardctl list)", arg);
	return rc;
}

int dom_open_find(const char *arg, int *fd, struct xs_handle **xs,
		  struct dom_entry *d)
{
	*fd = ctl_open();
	if (*fd < 0)
		return 1;
	*xs = store_open();
	if (!*xs)
		return 1;
	return dom_find(*fd, *xs, arg, d) ? 1 : 0;
}

int dom_find_domu(const char *verb, const char *arg, int *fd,
		  struct xs_handle **xs, struct dom_entry *d)
{
	if (dom_open_find(arg, fd, xs, d))
		return 1;
	if (d->info.domid == 0) {
		pr_err("%s: not for dom0 (its memory and devices are fixed at boot)", verb);
		return 1;
	}
	if (d->info.flags & (WARD_DOMINF_shutdown | WARD_DOMINF_dying)) {
		pr_err("%s: domain %s (id %" PRIu32 ") has shut down; destroy or restart it first",
		       verb, d->name, d->info.domid);
		return 1;
	}
	return 0;
}

int store_apply(struct xs_handle *xs, const struct xs_plan *plan)
{
	unsigned int try, i, np;
	uint32_t tx;
	int rc = 0;

	for (try = 0; try < TX_RETRIES; try++) {
		rc = xs_transaction_start(xs, &tx);
		if (rc)
			break;
		for (i = 0; i < plan->nr && !rc; i++) {
			const struct xs_entry *e = &plan->e[i];
			char perms[XS_PERMS_MAX], *p, *save;
			const char *list[4];

			rc = xs_write_str(xs, tx, e->path, e->value);
			if (rc || !e->perms[0])
				continue;
			snprintf(perms, sizeof(perms), "%s", e->perms);
			np = 0;
			for (p = strtok_r(perms, ",", &save); p && np < 4;
			     p = strtok_r(NULL, ",", &save))
				list[np++] = p;
			rc = xs_set_perms(xs, tx, e->path, list, np);
		}
		if (rc) {
			pr_err("xenstore: writing %s: %s", plan->e[i - 1].path,
			       strerror(-rc));
			xs_transaction_end(xs, tx, 1);
			return rc;
		}
		rc = xs_transaction_end(xs, tx, 0);
		if (rc != -EAGAIN)
			break;
	}
	if (rc)
		pr_err("xenstore: transaction failed: %s", strerror(-rc));
	return rc;
}

/* Detach the loop devices named by the domain's vbd backends. */
static void detach_loops(char nodes[][32], unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		loop_detach(nodes[i]);
}

/* The loop nodes under /local/domain/0/backend/vbd/D/ before we remove it. */
static unsigned int collect_loops(struct xs_handle *xs, uint32_t domid,
				  char nodes[][32], unsigned int max)
{
	char dir[XS_PATH_MAX], path[XS_PATH_MAX + 16];
	char **names;
	unsigned int n, i, found = 0;

	layout_backend_dir("vbd", domid, dir, sizeof(dir));
	if (xs_directory(xs, XS_NO_TX, dir, &names, &n))
		return 0;
	for (i = 0; i < n && found < max; i++) {
		snprintf(path, sizeof(path), "%s/%s/node", dir, names[i]);
		if (store_read(xs, path, nodes[found], 32) == 0 &&
		    !strncmp(nodes[found], "/dev/loop", 9))
			found++;
	}
	free(names);
	return found;
}

/*
 * true if @pid runs the console daemon (not a stranger that reuses its
 * pid) and has not exited: a zombie waiting for init to reap it holds
 * nothing, the ring least of all.
 */
static bool consoled_alive(long pid)
{
	static const char want[] = "(ward-consoled) ";
	char path[48], stat[128] = "", *comm, *state;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = '\0';
	fclose(f);
	/* "PID (COMM) STATE ...". */
	comm = strchr(stat, '(');
	if (!comm || strncmp(comm, want, sizeof(want) - 1))
		return false;
	state = comm + sizeof(want) - 1;
	return *state && *state != 'Z';
}

/*
 * SIGTERM the domain's console daemon and wait for it to exit; then
 * remove its pid file (the daemon leaves it to us, so that we always
 * wait) and its socket (which a daemon killed outright leaves).
 */
static void stop_console(uint32_t domid)
{
	char path[64], buf[32];
	unsigned int try;
	FILE *f;
	long pid;

	snprintf(path, sizeof(path), WARDCTL_RUN_DIR "/console-%" PRIu32 ".pid", domid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f) && (pid = strtol(buf, NULL, 10)) > 1 &&
		    pid != getpid() && consoled_alive(pid) &&
		    kill((pid_t)pid, SIGTERM) == 0) {
			/* Its exit unmaps the ring page, which the domain's death awaits. */
			for (try = 0; try < CONSOLE_EXIT_TRIES && consoled_alive(pid); try++)
				usleep(CONSOLE_EXIT_WAIT_US);
			/*
			 * Still there (a loaded machine, a daemon stuck in a
			 * call): SIGKILL cannot be ignored, and the kernel
			 * unmaps the ring at its death; no daemon outlives
			 * its pid file.
			 */
			if (consoled_alive(pid) && kill((pid_t)pid, SIGKILL) == 0)
				for (try = 0; try < CONSOLE_EXIT_TRIES && consoled_alive(pid); try++)
					usleep(CONSOLE_EXIT_WAIT_US);
		}
		fclose(f);
		unlink(path);
	}
	snprintf(path, sizeof(path), WARDCTL_RUN_DIR "/console-%" PRIu32 ".sock", domid);
	unlink(path);
}

int dom_teardown(int fd, struct xs_handle *xs, uint32_t domid)
{
	char loops[CFG_MAX_DISKS][32], path[XS_PATH_MAX];
	unsigned int nloops = 0, try;
	struct ward_ctl ctl = { .cmd = WARD_CTL_destroy, .domid = domid };
	int rc;

	/*
	 * The checkpoints only serve WARDCTL_TEST_STOP: a signal held by
	 * sig_defer() waits until the teardown is complete.
	 */
	stop_console(domid);
	sig_caught("teardown-console");
	if (xs) {
		struct ward_ctl pause = { .cmd = WARD_CTL_pause, .domid = domid };

		nloops = collect_loops(xs, domid, loops, CFG_MAX_DISKS);
		/*
		 * xenstored maps the domain's store ring; were it to unmap only
		 * when it hears of the death, that frame would outlive the
		 * domain for a while, owned by no one. Release the domain from
		 * xenstored first (its reply comes after the unmap), paused so
		 * that it does not run on without a store should the destroy
		 * fail. Either may find it gone already (-ESRCH, -ENOENT).
		 */
		ward_ctl(fd, &pause);
		xs_release(xs, domid);
	}

	for (try = 0; try < DESTROY_RETRIES; try++) {
		rc = ward_ctl(fd, &ctl);
		if (rc != -EAGAIN)
			break;
		usleep(DESTROY_RETRY_US);
	}
	/* Gone already (a concurrent teardown): carry on cleaning up. */
	if (rc && rc != -ESRCH && rc != -ENOENT) {
		pr_err("destroy domain %" PRIu32 ": %s", domid, strerror(-rc));
		return rc;
	}
	sig_caught("teardown-destroyed");

	if (xs) {
		/* Backends first: their removal makes blkback/netback let go. */
		layout_backend_dir("vbd", domid, path, sizeof(path));
		xs_rm(xs, XS_NO_TX, path);
		layout_backend_dir("vif", domid, path, sizeof(path));
		xs_rm(xs, XS_NO_TX, path);
		layout_home(domid, path, sizeof(path));
		xs_rm(xs, XS_NO_TX, path);
	}
	sig_caught("teardown-xenstore");
	detach_loops(loops, nloops);
	return 0;
}
