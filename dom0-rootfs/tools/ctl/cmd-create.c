// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl create FILE [-c]: parse and check the config, attach disk images
 * to loop devices, build the domain (WARD_CTL_create, paused), write its
 * xenstore nodes in one transaction, introduce it to xenstored, start its
 * console daemon, plug its vifs into their bridges, unpause it.
 *
 * All or nothing: any failure, and SIGINT/SIGTERM/SIGHUP/SIGQUIT (held
 * pending by signals.c and looked at between steps), undoes everything
 * done so far. What is acquired is also written to a journal
 * (journal.h) as it happens, for "wardctl cleanup" after a SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "privcmd.h"
#include "xs.h"
#include "config.h"
#include "disk-use.h"
#include "journal.h"
#include "wardctl.h"

#define CONFIG_MAX_BYTES	(64 * 1024)
/* Where "create NAME.cfg" looks when NAME.cfg is not here (xl: /etc/xen). */
#define CONFIG_DIR		"/etc/ward"
#define PLAN_MAX		256	/* nodes: ~30 per domain + ~20 per device */

#define FLAG_CONSOLE	(1u << 0)	/* -c */
/*
 * -n: no xenstore. The domain gets its console and nothing else, and Linux
 * stalls in xenbus probing after its early boot: a bring-up aid for the
 * hypervisor side (pv-abi-devices.md §8 step 7), not for real guests.
 */
#define FLAG_NO_STORE	(1u << 1)

/* Everything create acquired, so that a failure can give it back. */
struct create_state {
	int fd;
	struct xs_handle *xs;
	struct dom_config cfg;
	struct dom_build b;
	bool built;
	bool stored;			/* xenstore names our loops: teardown finds them */
	unsigned int nr_loops;		/* b.disk_node[0..) we attached */
	bool loop_attached[CFG_MAX_DISKS];
	int journal;			/* fd of journal_path, or -1 */
	char journal_path[64];
};

/* Start this create's journal; -1 (printed) if it cannot be written. */
static int journal_begin(struct create_state *s)
{
	mkdir(WARDCTL_RUN_DIR, 0755);
	snprintf(s->journal_path, sizeof(s->journal_path),
		 WARDCTL_RUN_DIR "/create-%ld.journal", (long)getpid());
	s->journal = open(s->journal_path,
			  O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (s->journal < 0) {
		pr_err("%s: %s", s->journal_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One line, written whole before the thing it names is relied on. */
static void journal_note(struct create_state *s, const char *line)
{
	size_t len = strlen(line);

	if (write(s->journal, line, len) != (ssize_t)len)
		pr_warn("%s: %s (wardctl cleanup may miss this)", s->journal_path,
			strerror(errno));
}

static void journal_end(struct create_state *s)
{
	if (s->journal < 0)
		return;
	close(s->journal);
	unlink(s->journal_path);
	s->journal = -1;
}

static char *read_text(const char *path)
{
	char *text;
	ssize_t n;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		pr_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	text = malloc(CONFIG_MAX_BYTES + 1);
	while (text && (n = read(fd, text + got, CONFIG_MAX_BYTES - got)) > 0)
		got += n;
	close(fd);
	if (!text)
		return NULL;
	if (got == CONFIG_MAX_BYTES) {
		pr_err("%s: larger than %d bytes", path, CONFIG_MAX_BYTES);
		free(text);
		return NULL;
	}
	text[got] = '\0';
	if (memchr(text, '\0', got)) {
		pr_err("%s: not a text file", path);
		free(text);
		return NULL;
	}
	return text;
}

/*
 * Read a kernel or ramdisk into memory the hypervisor can copy from: its
 * own mapping, locked (ward_ctl locks again around the call; locking here
 * also makes a too-low RLIMIT_MEMLOCK visible early).
 */
static int load_image(const char *path, uint64_t *addr, uint64_t *len)
{
	struct stat st;
	size_t got = 0;
	ssize_t n;
	void *p;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		pr_err("%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		pr_err("%s: not a regular, non-empty file", path);
		close(fd);
		return -1;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		pr_err("%s: cannot allocate %lld bytes", path, (long long)st.st_size);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	       (n = read(fd, (char *)p + got, st.st_size - got)) > 0)
		got += n;
	close(fd);
	if (got != (size_t)st.st_size) {
		pr_err("%s: short read", path);
		munmap(p, st.st_size);
		return -1;
	}
	mlock(p, st.st_size);
	*addr = (uintptr_t)p;
	*len = st.st_size;
	return 0;
}

static int path_ok(const char *path)
{
	return access(path, R_OK) ? errno : 0;
}

struct names {
	struct dom_entry *doms;
	unsigned int nr;
};

static bool name_in_use(const char *name, void *arg)
{
	const struct names *n = arg;
	unsigned int i;

	for (i = 0; i < n->nr; i++)
		if (!strcmp(n->doms[i].name, name))
			return true;
	return false;
}

/* Attach disk @i: a block device is used as is, a file through a loop. */
static int setup_disk(struct create_state *s, unsigned int i)
{
	const struct cfg_disk *d = &s->cfg.disks[i];
	struct stat st;

	if (stat(d->target, &st) < 0) {
		pr_err("disk %s: %s", d->target, strerror(errno));
		return -1;
	}
	if (S_ISBLK(st.st_mode)) {
		snprintf(s->b.disk_node[i], sizeof(s->b.disk_node[i]), "%s", d->target);
	} else {
		char line[96];

		if (loop_attach(d->target, !d->writable, s->b.disk_node[i],
				sizeof(s->b.disk_node[i])))
			return -1;
		s->loop_attached[i] = true;
		journal_format_loop(line, sizeof(line), s->b.disk_node[i],
				    st.st_dev, st.st_ino);
		journal_note(s, line);
		if (stat(s->b.disk_node[i], &st) < 0 || !S_ISBLK(st.st_mode)) {
			pr_err("disk %s: %s is not a block device", d->target,
			       s->b.disk_node[i]);
			return -1;
		}
	}
	s->b.disk_major[i] = major(st.st_rdev);
	s->b.disk_minor[i] = minor(st.st_rdev);
	return 0;
}

static void detach_our_loops(struct create_state *s)
{
	unsigned int i;

	for (i = 0; i < s->cfg.nr_disks; i++)
		if (s->loop_attached[i])
			loop_detach(s->b.disk_node[i]);
}

static int pick_macs(struct create_state *s)
{
	unsigned int i;
	uint8_t rnd[3];

	for (i = 0; i < s->cfg.nr_vifs; i++) {
		if (s->cfg.vifs[i].mac_set) {
			memcpy(s->b.vif_mac[i], s->cfg.vifs[i].mac, 6);
			continue;
		}
		if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
			pr_err("getrandom: %s", strerror(errno));
			return -1;
		}
		layout_random_mac(s->b.vif_mac[i], rnd);
	}
	return 0;
}

static int build(struct create_state *s, const char *cmdline)
{
	struct ward_ctl ctl = { .cmd = WARD_CTL_create };
	struct ward_ctl_create *c = &ctl.u.create;
	int rc;

	c->mem_kb = s->cfg.memory_mb * 1024;
	c->max_kb = config_maxmem_mb(&s->cfg) * 1024;
	c->vcpus = s->cfg.vcpus;
	c->cmdline = (uintptr_t)cmdline;
	if (load_image(s->cfg.kernel, &c->kernel, &c->kernel_len))
		return -1;
	if (s->cfg.ramdisk[0] &&
	    load_image(s->cfg.ramdisk, &c->ramdisk, &c->ramdisk_len)) {
		munmap((void *)(uintptr_t)c->kernel, c->kernel_len);
		return -1;
	}
	rc = ward_ctl(s->fd, &ctl);
	if (rc == -ENOMEM)
		pr_err("create domain: %" PRIu64 " MiB is more than is free (less the hypervisor's reserve) or too little for this kernel; the hypervisor console says which",
		       s->cfg.memory_mb);
	else if (rc == -EINVAL)
		pr_err("create domain: refused (kernel format or size? the hypervisor console says why)");
	else if (rc)
		ctl_report(rc, "create domain");
	if (rc == 0) {
		char line[96];

		s->built = true;
		s->b.domid = ctl.domid;
		s->b.store_mfn = c->store_mfn;
		s->b.console_mfn = c->console_mfn;
		s->b.store_port = c->store_port;
		s->b.console_port = c->console_port;
		journal_format_domain(line, sizeof(line), s->b.domid,
				      s->b.console_mfn, s->b.store_mfn);
		journal_note(s, line);
	}
	munmap((void *)(uintptr_t)c->kernel, c->kernel_len);
	if (c->ramdisk)
		munmap((void *)(uintptr_t)c->ramdisk, c->ramdisk_len);
	return s->built ? 0 : -1;
}

static int start_console(struct create_state *s, const char *file)
{
	char domid[16], mfn[24], port[16], abs[PATH_MAX];
	char *argv[] = {
		CONSOLED_PATH, domid, mfn, port, s->cfg.name,
		(char *)config_action_name(s->cfg.on_poweroff),
		(char *)config_action_name(s->cfg.on_reboot),
		(char *)config_action_name(s->cfg.on_crash),
		abs, NULL,
	};

	/* on_reboot = "restart" re-reads the file from the daemon's cwd. */
	if (!realpath(file, abs))
		snprintf(abs, sizeof(abs), "%s", file);

	snprintf(domid, sizeof(domid), "%" PRIu32, s->b.domid);
	snprintf(mfn, sizeof(mfn), "%" PRIu64, s->b.console_mfn);
	snprintf(port, sizeof(port), "%" PRIu32, s->b.console_port);
	/* The daemon returns once it serves the ring, then runs in the background. */
	if (run(argv, NULL, 0) != 0) {
		pr_err("console daemon for domain %" PRIu32 " did not start", s->b.domid);
		return -1;
	}
	return 0;
}

/* Netback's vif<D>.<H> into its bridge (vif.c); 0, -EINTR, -1 (printed). */
static int plug_vif(struct create_state *s, unsigned int h)
{
	return vif_plug(s->xs, s->b.domid, h, s->cfg.vifs[h].bridge);
}

/*
 * @file as given if it exists or names a directory; else CONFIG_DIR/@file
 * if that exists (into @buf); else @file, for its error message.
 */
static const char *config_find(const char *file, char *buf, size_t len)
{
	if (access(file, F_OK) == 0 || strchr(file, '/'))
		return file;
	snprintf(buf, len, CONFIG_DIR "/%s", file);
	return access(buf, F_OK) == 0 ? buf : file;
}

/* Syntax first, so that a broken file is reported even off Ward. */
static int parse_file(struct create_state *s, const char *file)
{
	struct cfg_msgs msgs;
	char *text = read_text(file);
	unsigned int i;
	int rc;

	if (!text)
		return -1;
	rc = config_parse(text, file, &s->cfg, &msgs);
	free(text);
	for (i = 0; i < msgs.nr_warnings; i++)
		fprintf(stderr, "wardctl: warning: %s\n", msgs.warnings[i]);
	if (rc) {
		fprintf(stderr, "wardctl: %s\n", msgs.error);
		return -1;
	}
	return 0;
}

/*
 * xl's disk-in-use rules (disk-use.h) against every disk the live domains
 * have; the caller holds ctl_lock, so no create can slip in between.
 */
static int check_disks(struct create_state *s, const char *file,
		       const struct names *names)
{
	struct disk_use *uses = NULL;
	unsigned int nr_uses = 0, i;
	struct disk_id id;
	char msg[CFG_MSG_MAX + CFG_PATH_MAX];
	int rc = 0, hit;

	if (!s->xs || !s->cfg.nr_disks)
		return 0;
	if (dom_disk_uses(s->xs, names->doms, names->nr, &uses, &nr_uses)) {
		pr_err("cannot read the disks of the live domains from xenstore");
		return -1;
	}
	for (i = 0; i < s->cfg.nr_disks && !rc; i++) {
		const struct cfg_disk *d = &s->cfg.disks[i];

		if (disk_identify(d->target, &id))
			continue;	/* config_validate reported it */
		hit = disk_conflict(uses, nr_uses, &id, d);
		if (hit < 0)
			continue;
		disk_conflict_msg(&uses[hit], d, msg, sizeof(msg));
		pr_err("%s:%u: %s", file, d->line, msg);
		rc = -1;
	}
	free(uses);
	return rc;
}

/* Then against the machine: free memory, files, names and disks in use. */
static int check(struct create_state *s, const char *file)
{
	struct ward_ctl phys = { .cmd = WARD_CTL_physinfo };
	struct cfg_msgs msgs = { 0 };
	struct names names = { 0 };
	struct cfg_env env = { .path_ok = path_ok, .name_in_use = name_in_use,
			       .arg = &names };
	int rc;

	if (ctl_call(s->fd, &phys, "physinfo"))
		return -1;
	env.free_kb = phys.u.physinfo.free_pages * PAGE_KB;
	if (dom_list(s->fd, s->xs, &names.doms, &names.nr))
		return -1;
	rc = config_validate(&s->cfg, file, &env, &msgs);
	if (rc)
		fprintf(stderr, "wardctl: %s\n", msgs.error);
	else
		rc = check_disks(s, file, &names);
	free(names.doms);
	return rc ? -1 : 0;
}

/* Write the domain's nodes and hand its store ring to xenstored. */
static int introduce(struct create_state *s, struct xs_plan *plan)
{
	int rc;

	/* Domains never outlive dom0's boot, so its boot clock dates them. */
	clock_start_time(s->b.start_time, sizeof(s->b.start_time));
	rc = layout_domain(&s->cfg, &s->b, plan);

	if (rc) {
		pr_err("xenstore layout: %s", strerror(-rc));
		return -1;
	}
	if (store_apply(s->xs, plan))
		return -1;
	s->stored = true;
	rc = xs_introduce(s->xs, s->b.domid, s->b.store_mfn, s->b.store_port);
	if (rc) {
		pr_err("introduce domain %" PRIu32 " to xenstored: %s", s->b.domid,
		       strerror(-rc));
		return -1;
	}
	return 0;
}

/* Give back everything @s holds, in the reverse order of acquisition. */
static void undo(struct create_state *s)
{
	if (s->built)
		dom_teardown(s->fd, s->xs, s->b.domid);
	if (!s->stored)
		detach_our_loops(s);
	journal_end(s);
}

int cmd_create(int argc, char **argv)
{
	static struct xs_entry entries[PLAN_MAX];
	static struct create_state s = { .journal = -1 };
	struct xs_plan plan = { .e = entries, .max = PLAN_MAX };
	struct verb_args args;
	char cmdline[WARD_CTL_CMDLINE_MAX + 8], found[PATH_MAX];
	unsigned int i;
	int lock, sig = 0, rc;

	if (verb_parse(argc, argv, "cn", "config FILE", &args))
		return 2;
	args.pos = config_find(args.pos, found, sizeof(found));
	/* Like xl, on stderr, so that stdout carries only results. */
	fprintf(stderr, "Parsing config from %s\n", args.pos);
	if (parse_file(&s, args.pos))
		return 1;
	s.fd = ctl_open();
	if (s.fd < 0)
		return 1;
	if (args.flags & FLAG_NO_STORE) {
		if (s.cfg.nr_disks || s.cfg.nr_vifs) {
			pr_err("create -n: disks and vifs need xenstore");
			return 1;
		}
	} else {
		s.xs = store_open();
		if (!s.xs)
			return 1;
	}
	/*
	 * Held until create is done (or exits): checks and their use agree.
	 * Waiting for it may be interrupted as usual; nothing is held yet.
	 */
	lock = ctl_lock();
	if (lock < 0)
		return 1;
	sig_defer();
	if (check(&s, args.pos) || journal_begin(&s))
		return sig_finish(1);
	config_cmdline(&s.cfg, cmdline, sizeof(cmdline));
	snprintf(s.b.console_log, sizeof(s.b.console_log),
		 WARDCTL_LOG_DIR "/console-%s.log", s.cfg.name);

	if ((sig = sig_caught("checked")))
		goto fail;
	for (i = 0; i < s.cfg.nr_disks; i++) {
		if (setup_disk(&s, i))
			goto fail;
		if ((sig = sig_caught("disk")))
			goto fail;
	}
	if (pick_macs(&s) || build(&s, cmdline))
		goto fail;
	if ((sig = sig_caught("built")))
		goto fail;

	if (s.xs && introduce(&s, &plan))
		goto fail;
	if ((sig = sig_caught("stored")))
		goto fail;
	if (start_console(&s, args.pos))
		goto fail;
	if ((sig = sig_caught("console")))
		goto fail;
	for (i = 0; i < s.cfg.nr_vifs; i++) {
		rc = plug_vif(&s, i);
		if (rc == -EINTR)
			sig = sig_caught("");
		if (rc)
			goto fail;
		if ((sig = sig_caught("vif")))
			goto fail;
	}
	{
		struct ward_ctl ctl = { .cmd = WARD_CTL_unpause, .domid = s.b.domid };

		if (ctl_call(s.fd, &ctl, "unpause"))
			goto fail;
	}
	/* The last moment to change our mind: after this, it was created. */
	if ((sig = sig_caught("unpaused")))
		goto fail;
	journal_end(&s);
	printf("Started domain %s (id=%" PRIu32 ")\n", s.cfg.name, s.b.domid);
	fflush(stdout);
	close(lock);
	if (s.xs)
		xs_close(s.xs);
	rc = sig_finish(0);
	if (rc || !(args.flags & FLAG_CONSOLE))
		return rc;
	{
		char id[16];
		char *cargv[] = { "console", id, NULL };

		snprintf(id, sizeof(id), "%" PRIu32, s.b.domid);
		return cmd_console(2, cargv);
	}

fail:
	if (sig)
		pr_err("create %s: interrupted (%s); undoing what it did", s.cfg.name,
		       strsignal(sig));
	undo(&s);
	if (sig)
		fprintf(stderr, "wardctl: create %s: undone\n", s.cfg.name);
	return sig_finish(1);
}
