// SPDX-License-Identifier: GPL-2.0-only
/*
 * wardctl mem-set NAME|ID MEM and mem-max NAME|ID MEM: ballooning, as xl
 * does it. mem-set writes the domain's memory/target (KiB); the guest's
 * balloon driver (Linux: CONFIG_XEN_BALLOON) watches it and gives frames
 * back (XENMEM_decrease_reservation) or takes them (populate_physmap), so
 * the hypervisor's tot_pages follows. Nothing forces a guest: mem-set
 * waits a while for tot_pages to reach the target and says so if it does
 * not. mem-max moves the hypervisor's ceiling (WARD_CTL_set_max_mem)
 * within the pseudo-physical space create gave the domain (its maxmem,
 * memory/static-max).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privcmd.h"
#include "xs.h"
#include "wardctl.h"

#define MEMSET_WAIT_US		200000
/*
 * A guest is given up on after this long without coming closer: Linux's
 * balloon driver backs off up to 32 s when it cannot get pages at once
 * (max_schedule_delay), so a shorter stall is no proof of a deaf guest.
 */
#define MEMSET_STALL_TRIES	200	/* 40 s */
#define MEMSET_MAX_TRIES	900	/* 3 min in all, however it crawls */
/* Close enough: a guest may keep a few frames it cannot free at once. */
#define MEMSET_SLACK_KB		1024
#define KIB_PER_MIB		1024

/* A memory/ node of the domain in KiB, or 0 if absent or not a number. */
static uint64_t read_mem_node(struct xs_handle *xs, uint32_t domid,
			      const char *node)
{
	char path[XS_PATH_MAX], val[32], *end;
	uint64_t kb;

	layout_home(domid, path, sizeof(path));
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/memory/%s", node);
	if (store_read(xs, path, val, sizeof(val)))
		return 0;
	kb = strtoull(val, &end, 10);
	return *end ? 0 : kb;
}

/* @arg parsed as xl's MEM, or -1 (printed). */
static int parse_mem(const char *verb, const char *arg, uint64_t *kb)
{
	if (parse_mem_kb(arg, kb) == 0)
		return 0;
	pr_err("%s: '%s' is not an amount of memory: digits and a unit b, k, m, g or t (none: MiB), e.g. 256m",
	       verb, arg);
	return -1;
}

static uint64_t owned_kb(const struct ward_dominfo *info)
{
	return info->tot_pages * PAGE_KB;
}

static uint64_t distance(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

static bool near(uint64_t a, uint64_t b)
{
	return distance(a, b) <= MEMSET_SLACK_KB;
}

int cmd_mem_set(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	char path[XS_PATH_MAX], val[32];
	uint64_t kb, max_kb, best;
	unsigned int try, stalled;
	int fd, rc;

	if (verb_parse2(argc, argv, "", "domain NAME or ID", "MEM (e.g. 256m)", &args))
		return 2;
	if (parse_mem("mem-set", args.pos2, &kb))
		return 2;
	if (dom_find_domu("mem-set", args.pos, &fd, &xs, &d))
		return 1;
	max_kb = d.info.max_pages * PAGE_KB;
	if (kb > max_kb) {
		pr_err("mem-set: %" PRIu64 " MiB is above the %" PRIu64 " MiB domain %s may have; raise that with 'wardctl mem-max %s MEM' first (at most its maxmem, %" PRIu64 " MiB)",
		       kb / KIB_PER_MIB, max_kb / KIB_PER_MIB, d.name, d.name,
		       read_mem_node(xs, d.info.domid, "static-max") / KIB_PER_MIB);
		return 1;
	}
	if (kb < WARD_CTL_MIN_MEM_KB) {
		pr_err("mem-set: %" PRIu64 " KiB is below the %u MiB a domain needs at least",
		       kb, WARD_CTL_MIN_MEM_KB / KIB_PER_MIB);
		return 1;
	}
	layout_home(d.info.domid, path, sizeof(path));
	strcat(path, "/memory/target");
	snprintf(val, sizeof(val), "%" PRIu64, kb);
	rc = xs_write_str(xs, XS_NO_TX, path, val);
	if (rc) {
		pr_err("mem-set: writing %s: %s", path, strerror(-rc));
		return 1;
	}
	/*
	 * Bounded: at most MEMSET_MAX_TRIES polls of the domain's tot_pages,
	 * and MEMSET_STALL_TRIES in a row that bring it no closer.
	 */
	best = distance(owned_kb(&d.info), kb);
	for (try = 0, stalled = 0; try < MEMSET_MAX_TRIES && stalled < MEMSET_STALL_TRIES;
	     try++) {
		if (near(owned_kb(&d.info), kb))
			return 0;
		usleep(MEMSET_WAIT_US);
		if (dom_find_quiet(fd, xs, args.pos, &d)) {
			pr_err("mem-set: domain %s went away", args.pos);
			return 1;
		}
		if (distance(owned_kb(&d.info), kb) < best) {
			best = distance(owned_kb(&d.info), kb);
			stalled = 0;
		} else {
			stalled++;
		}
	}
	if (near(owned_kb(&d.info), kb))
		return 0;
	pr_err("mem-set: domain %s still has %" PRIu64 " MiB after %u s (%u s without coming closer), not the %" PRIu64 " MiB asked: its balloon driver did not follow memory/target (none, paused, or it cannot free that much); the target stays, nothing was forced",
	       d.name, owned_kb(&d.info) / KIB_PER_MIB, try * (MEMSET_WAIT_US / 1000) / 1000,
	       stalled * (MEMSET_WAIT_US / 1000) / 1000, kb / KIB_PER_MIB);
	return 1;
}

int cmd_mem_max(int argc, char **argv)
{
	struct verb_args args;
	struct xs_handle *xs;
	struct dom_entry d;
	struct ward_ctl ctl = { .cmd = WARD_CTL_set_max_mem };
	uint64_t kb, target_kb, room_kb;
	int fd, rc;

	if (verb_parse2(argc, argv, "", "domain NAME or ID", "MEM (e.g. 256m)", &args))
		return 2;
	if (parse_mem("mem-max", args.pos2, &kb))
		return 2;
	if (dom_find_domu("mem-max", args.pos, &fd, &xs, &d))
		return 1;
	target_kb = read_mem_node(xs, d.info.domid, "target");
	room_kb = read_mem_node(xs, d.info.domid, "static-max");
	/* As xl: the ceiling may not fall below what the guest is asked to have. */
	if (kb < target_kb) {
		pr_err("mem-max: %" PRIu64 " MiB is below domain %s's target of %" PRIu64 " MiB; lower that with 'wardctl mem-set %s MEM' first",
		       kb / KIB_PER_MIB, d.name, target_kb / KIB_PER_MIB, d.name);
		return 1;
	}
	if (room_kb && kb > room_kb) {
		pr_err("mem-max: %" PRIu64 " MiB is above the %" PRIu64 " MiB domain %s was created with room for; give it a larger maxmem in its config and create it again",
		       kb / KIB_PER_MIB, room_kb / KIB_PER_MIB, d.name);
		return 1;
	}
	ctl.domid = d.info.domid;
	ctl.u.max_mem.max_kb = kb;
	rc = ward_ctl(fd, &ctl);
	if (rc == -EINVAL)
		pr_err("mem-max: the hypervisor refused %" PRIu64 " MiB for domain %s (below %u MiB, or beyond its pseudo-physical space)",
		       kb / KIB_PER_MIB, d.name, WARD_CTL_MIN_MEM_KB / KIB_PER_MIB);
	else if (rc)
		ctl_report(rc, "mem-max");
	return rc ? 1 : 0;
}
