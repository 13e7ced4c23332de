/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domains as WARD_CTL_list reports them, printed the way xl list does, and
 * resolved from a NAME|ID argument. Pure: the callers fetch the list.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
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
