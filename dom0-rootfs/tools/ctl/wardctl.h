/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wardctl's verbs and the helpers they share. Each cmd_<verb>(argc, argv)
 * gets argv[0] = the verb and returns the process exit status. Errors are
 * one line on stderr, printed where they are found (pr_err), and the verb
 * returns non-zero.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dominfo.h"
#include "layout.h"

#define WARDCTL_RUN_DIR		"/run/ward"
#define WARDCTL_LOG_DIR		"/var/log/ward"
#define CONSOLED_PATH		"/usr/sbin/ward-consoled"
#define WARDCTL_PATH		"/usr/sbin/wardctl"
#define DOM0_NAME		"Domain-0"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

int cmd_create(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_console(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_domid(int argc, char **argv);
int cmd_domname(int argc, char **argv);
int cmd_rename(int argc, char **argv);
int cmd_uptime(int argc, char **argv);
int cmd_sysrq(int argc, char **argv);
int cmd_dmesg(int argc, char **argv);
int cmd_mem_set(int argc, char **argv);
int cmd_mem_max(int argc, char **argv);
int cmd_block_attach(int argc, char **argv);
int cmd_block_detach(int argc, char **argv);
int cmd_block_list(int argc, char **argv);
int cmd_network_attach(int argc, char **argv);
int cmd_network_detach(int argc, char **argv);
int cmd_network_list(int argc, char **argv);

#define pr_err(...)	(fprintf(stderr, "wardctl: " __VA_ARGS__), fputc('\n', stderr))
#define pr_warn(...)	(fprintf(stderr, "wardctl: warning: " __VA_ARGS__), fputc('\n', stderr))

/* ---- args.c (pure) ---- */

/* Options of a verb: "-c" style flags, one or two positional arguments. */
struct verb_args {
	const char *pos;	/* the positional argument */
	const char *pos2;	/* the second one (verb_parse2) */
	unsigned int flags;	/* bit i set: flag i of @letters given */
};

/*
 * Parse @argv[1..argc) of a verb taking flags from @letters ("cw") and
 * exactly one positional argument named @what (for messages). 0, or -1
 * after printing one line. Flags may come before or after the argument.
 */
int verb_parse(int argc, char **argv, const char *letters, const char *what,
	       struct verb_args *out);
/* The same with exactly two positionals, @what then @what2. */
int verb_parse2(int argc, char **argv, const char *letters, const char *what,
		const char *what2, struct verb_args *out);
/* A verb without arguments: 0, or -1 after printing one line. */
int verb_no_args(int argc, char **argv);
/*
 * An amount of memory as xl's mem-set and mem-max take it: digits, then
 * an optional unit b, k, m, g or t (either case; none means m). Into @kb
 * in KiB. 0, or -1 if @s is not such an amount or it overflows.
 */
int parse_mem_kb(const char *s, uint64_t *kb);

/* ---- dom.c: the hypervisor and xenstore side of domains ---- */

struct xs_handle;

/* privcmd fd, or -1 after printing why. */
int ctl_open(void);
/* Print "@what: reason" for a failed call (nothing for rc 0). */
void ctl_report(int rc, const char *what);
/* Issue @ctl; on failure print "@what: reason" and return -errno. */
int ctl_call(int fd, struct ward_ctl *ctl, const char *what);

/* Connect to xenstored, or NULL after printing why. */
struct xs_handle *store_open(void);
/*
 * All domains with their names (from xenstore when @xs is non-NULL) into a
 * malloc()ed array. 0 or -errno (printed).
 */
int dom_list(int fd, struct xs_handle *xs, struct dom_entry **doms,
	     unsigned int *nr);
/* Resolve NAME|ID to its entry; prints and returns -errno if absent. */
int dom_find(int fd, struct xs_handle *xs, const char *arg,
	     struct dom_entry *out);
/* The same, printing nothing for an absent domain (-ENOENT). */
int dom_find_quiet(int fd, struct xs_handle *xs, const char *arg,
		   struct dom_entry *out);
/* Open privcmd and xenstore and find @arg; 0, or 1 (printed). */
int dom_open_find(const char *arg, int *fd, struct xs_handle **xs,
		  struct dom_entry *d);
/*
 * For verbs that change a running domU (mem-set, block-attach, ...):
 * open privcmd and xenstore and find @arg, refusing dom0 and a domain
 * that has shut down. 0, or 1 (printed, with @verb first).
 */
int dom_find_domu(const char *verb, const char *arg, int *fd,
		  struct xs_handle **xs, struct dom_entry *d);
/* Write every node of @plan in one transaction (retried on conflict). */
int store_apply(struct xs_handle *xs, const struct xs_plan *plan);
/* Read @path into @buf; 0 or -errno. */
int store_read(struct xs_handle *xs, const char *path, char *buf, size_t len);

/* Tear down everything create set up for @domid (any part may be absent). */
int dom_teardown(int fd, struct xs_handle *xs, uint32_t domid);

/*
 * Domains that no longer exist but left something behind (xenstore home
 * or backend dirs, console daemon files): their ids into @ids[0..max),
 * how many is returned. @doms: the live domains, from dom_list().
 */
int dom_leftovers(struct xs_handle *xs, const struct dom_entry *doms,
		  unsigned int nr, uint32_t *ids, unsigned int max);

struct disk_use;
struct disk_id;
/*
 * Every disk the domains in @doms (all live) have now, from their vbd
 * backends, into a malloc()ed array. 0 or -errno.
 */
int dom_disk_uses(struct xs_handle *xs, const struct dom_entry *doms,
		  unsigned int nr, struct disk_use **uses, unsigned int *nr_uses);
/* Identify @path (an image file or a block device); 0 or -errno. */
int disk_identify(const char *path, struct disk_id *id);
struct cfg_disk;
/*
 * The block device a backend is to open for @d: its target if that is
 * one, else a loop device attached over the file (read-only for a
 * read-only disk). Its path into @node, its number into @major/@minor;
 * *@loop says whether a loop device was attached. 0, or -1 (printed;
 * nothing is left attached).
 */
int disk_backing(const struct cfg_disk *d, char *node, size_t len,
		 unsigned int *major, unsigned int *minor, bool *loop);

/*
 * Serialise wardctl's changes to domains (create against create: the
 * disk and name checks and what they check must not interleave). Blocks.
 * Returns the lock's fd (close() it to unlock; exit does too), or -1
 * (printed).
 */
int ctl_lock(void);

/* ---- loop.c ---- */

/* Attach @file to a free loop device; its path into @node. 0 or -1 (printed). */
int loop_attach(const char *file, bool readonly, char *node, size_t len);
/* Detach @node, waiting a little while it is busy. 0 or -errno. */
int loop_detach(const char *node);
/*
 * The st_dev and st_ino of the file attached to loop device @node, as the
 * kernel reports them (so the same file is recognised however its path
 * was spelt). 0 or -errno (-ENXIO: nothing attached).
 */
int loop_backing(const char *node, uint64_t *dev, uint64_t *ino);

/* ---- xsdev.c: a device's frontend and backend dirs ---- */

#define XENBUS_STATE_CONNECTED	4	/* XenbusStateConnected, xen/io/xenbus.h */
#define XENBUS_STATE_CLOSING	5
#define XENBUS_STATE_CLOSED	6

enum dev_wait { DEV_WAIT_CONNECTED, DEV_WAIT_CLOSED };

/* The decimal number in @dir/@node, or -1 if absent or not a number. */
int store_read_int(struct xs_handle *xs, const char *dir, const char *node);
/* Device @devid of @type ("vbd", "vif") of @domid: its two dirs (@len each). */
void dev_paths(const char *type, uint32_t domid, uint32_t devid, char *fe,
	       char *be, size_t len);
/*
 * Poll @dir/state for up to dev_wait_secs() (less if a held signal
 * arrives) until it is Connected, or Closed or gone, as @want says.
 * Returns the last state read (-1: none).
 */
int dev_wait_state(struct xs_handle *xs, const char *dir, enum dev_wait want);
/* true if @state is what dev_wait_state() waited for. */
bool dev_state_reached(int state, enum dev_wait want);
/* How long dev_wait_state() waits at most, in seconds. */
int dev_wait_secs(void);
/* Ask the guest to let go: backend online = 0, state = Closing. */
void dev_ask_close(struct xs_handle *xs, const char *be);
/* Remove the backend dir, then the frontend dir. */
void dev_remove(struct xs_handle *xs, const char *fe, const char *be);

/* ---- vif.c ---- */

/* true if network interface @name exists in dom0. */
bool netdev_exists(const char *name);
/*
 * Wait for netback's vif<@domid>.<@h>, put it into @bridge (made if
 * missing) and write hotplug-status = connected. 0, -EINTR for a held
 * signal while waiting, -1 (printed).
 */
int vif_plug(struct xs_handle *xs, uint32_t domid, unsigned int h,
	     const char *bridge);

/* ---- signals.c: no half-done create or destroy ---- */

/* Hold SIGINT, SIGTERM, SIGHUP, SIGQUIT pending until sig_finish(). */
void sig_defer(void);
/*
 * Checkpoint @step of a verb: the held signal that arrived (its number),
 * or 0. Runs the WARDCTL_TEST_STOP hook for @step.
 */
int sig_caught(const char *step);
/* In a child about to exec: the signal mask wardctl started with. */
void sig_child_reset(void);
/*
 * Unblock: a pending signal ends the process now (its default action).
 * Returns @rc, or 128 + the signal if the process survives it.
 */
int sig_finish(int rc);

/* ---- dom.c: time ---- */

/* dom0's CLOCK_BOOTTIME as "S.CC" (seconds, centiseconds) into @buf. */
void clock_start_time(char *buf, size_t len);

/* ---- run.c: small programs (BusyBox applets) ---- */

/*
 * Run @argv (argv[0] looked up in PATH) and wait. Its stdout goes into @out
 * (NUL-terminated, trailing newline stripped) when @out is non-NULL.
 * Returns its exit status, or -1 if it could not run.
 */
int run(char *const argv[], char *out, size_t outlen);
