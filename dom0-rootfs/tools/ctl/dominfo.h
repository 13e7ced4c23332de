/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains as WARD_CTL_list reports them, printed the way xl list does, and
 * resolved from a NAME|ID argument. Pure: the callers fetch the list.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <ward/ctl.h>

#include "config.h"

#define PAGE_KB		4	/* KiB in a guest page */

/* A listed domain and its name from xenstore ("" if it has none). */
struct dom_entry {
	struct ward_dominfo info;
	char name[CFG_NAME_MAX];
};

/* The header line of "wardctl list", with its newline. */
const char *dominfo_header(void);

/*
 * xl's six state letters, '-' where a state does not hold:
 * r running, b blocked, p paused, s shut down, c crashed, d dying.
 * @buf gets 7 bytes.
 */
void dominfo_state(const struct ward_dominfo *info, char *buf);

/* One line of "wardctl list" (with its newline) into @buf. */
void dominfo_format(const struct dom_entry *d, char *buf, size_t len);

/*
 * Find @arg (a name, or a decimal domid) among @doms. Returns the index,
 * -ENOENT if no such domain, -EINVAL if @arg is empty.
 */
int dominfo_lookup(const struct dom_entry *doms, unsigned int nr,
		   const char *arg);

/* A disk and a vif as their backends in xenstore describe them. */
struct dom_disk_info {
	char target[CFG_PATH_MAX];
	char vdev[16];
	bool writable;
};

struct dom_nic_info {
	char mac[18];
	char bridge[32];
};

/* What "list -l" says about a domain beyond its entry (xenstore's view). */
struct dom_detail {
	struct dom_entry e;
	uint64_t target_kb, max_kb;	/* memory/target, memory/static-max; 0: unknown */
	struct dom_disk_info disks[CFG_MAX_DISKS];
	unsigned int nr_disks;
	struct dom_nic_info nics[CFG_MAX_VIFS];
	unsigned int nr_nics;
};

/*
 * "list -l": a JSON array with one object per domain, shaped as xl's
 * (domid, then config with c_info, b_info, disks and nics; only the
 * fields Ward knows), indented by four spaces as xl prints it.
 */
void dominfo_json(FILE *f, const struct dom_detail *d, unsigned int nr);

/* The header line of "wardctl uptime", with its newline. */
const char *dominfo_uptime_header(void);

/*
 * One line of "wardctl uptime" (with its newline): name, id and @secs as
 * xl prints uptimes, "H:MM:SS" or "N day(s), H:MM:SS".
 */
void dominfo_uptime(const struct dom_entry *d, uint64_t secs, char *buf,
		    size_t len);

/*
 * One vbd as "block-list" shows it: xl's columns, from its frontend
 * (state, event-channel, ring-ref) and where its backend is; -1 where
 * xenstore has no value (yet).
 */
struct dom_vbd_row {
	int vdev;		/* the frontend's number, 51712 for xvda */
	int backend_id;
	int handle;		/* xl prints the frontend's domid here */
	int state, evtchn, ring_ref;
	char be_path[256];
};

/* The header line of "wardctl block-list", as xl's, with its newline. */
const char *dominfo_vbd_header(void);
/* One line of "wardctl block-list" (with its newline) into @buf. */
void dominfo_vbd_format(const struct dom_vbd_row *r, char *buf, size_t len);

/* One vif as "network-list" shows it, in xl's columns; -1 where absent. */
struct dom_nic_row {
	int idx;		/* the vif's handle (devid) */
	int backend_id;
	char mac[18];
	int handle;		/* the frontend's domid, as for block-list */
	int state, evtchn, tx_ring_ref, rx_ring_ref;
	char be_path[256];
};

/* The header line of "wardctl network-list", as xl's, with its newline. */
const char *dominfo_nic_header(void);
/* One line of "wardctl network-list" (with its newline) into @buf. */
void dominfo_nic_format(const struct dom_nic_row *r, char *buf, size_t len);
