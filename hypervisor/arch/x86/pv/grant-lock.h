/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The locks one grant operation needs, taken in the one global order of
 * hv/grant-table.h: the mm_locks of every domain involved by ascending
 * domid (frame references and types of a domain's pages change only
 * under its mm_lock), then their gt->locks in the same order. A domain
 * named twice (a grant to oneself) is locked once. A mapping whose granter
 * is gone takes none of the granter's locks: its frame is an orphan whose
 * reference count alone changes, atomically (hv/page-type.h).
 */
#pragma once
#include <hv/domain.h>
#include <hv/grant-table.h>

#define GNT_LOCKSET_MAX	3	/* the caller and the two sides of a copy */

struct gnt_lockset {
	struct domain *d[GNT_LOCKSET_MAX];
	unsigned int n;
};

static inline void gnt_lockset_add(struct gnt_lockset *ls, struct domain *d)
{
	unsigned int i;

	if (!d)
		return;
	for (i = 0; i < ls->n; i++)
		if (ls->d[i] == d)
			return;
	/* Insertion sort by domid. */
	for (i = ls->n++; i > 0 && ls->d[i - 1]->domain_id > d->domain_id; i--)
		ls->d[i] = ls->d[i - 1];
	ls->d[i] = d;
}

static inline void gnt_lockset_lock(struct gnt_lockset *ls)
{
	for (unsigned int i = 0; i < ls->n; i++)
		spin_lock(&ls->d[i]->mm_lock);
	for (unsigned int i = 0; i < ls->n; i++)
		spin_lock(&ls->d[i]->grant_table->lock);
}

static inline void gnt_lockset_unlock(struct gnt_lockset *ls)
{
	for (unsigned int i = ls->n; i-- > 0;)
		spin_unlock(&ls->d[i]->grant_table->lock);
	for (unsigned int i = ls->n; i-- > 0;)
		spin_unlock(&ls->d[i]->mm_lock);
}

/*
 * The domain a grant op names: DOMID_SELF or an id. NULL when there is no
 * such domain, it has no table or it is dying (no new pins on a table
 * that is being torn down).
 */
static inline struct domain *gnt_domain(struct domain *curr_d, domid_t id)
{
	struct domain *d = id == DOMID_SELF ? curr_d : domain_lookup(id);

	if (!d || !d->grant_table || d->is_dying)
		return NULL;
	return d;
}

/* grant-map.c: is @frame a page @ctx (the granting domain) may grant? */
bool gnt_frame_ok(uint32_t frame, void *ctx);
