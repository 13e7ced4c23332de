// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grant-table lifetime and bookkeeping (hv/grant-table.h): the shared
 * frames a domain's entries live in, the active records beside them, and
 * the maptrack of mappings the domain holds of other tables. The entry
 * rules are in grant-rules.c; the hypercall and the page-table side are
 * in arch/x86/pv/grant-*.c.
 *
 * Shared frames are hypervisor pages marked PGC_XEN_HEAP and owned by the
 * domain, like shared_info: the PV MMU lets the owner (only) map them, and
 * domain destruction leaves them to grant_table_destroy(). Tables only
 * grow; a frame once handed out stays until the domain is destroyed.
 */
#include <hv/grant-table.h>
#include <hv/bug.h>
#include <hv/domain.h>
#include <hv/errno.h>
#include <hv/heap.h>
#include <hv/lib.h>
#include <hv/mm.h>
#include <hv/page-type.h>
#include <asm/page.h>

_Static_assert(GNTTAB_DEFAULT_MAX_FRAMES <= GNTTAB_MAX_FRAMES_LIMIT, "limits");
_Static_assert(MAPTRACK_PER_PAGE >= 64, "maptrack record too large");

/* Source of grant_table.gen; only ever incremented (atomically). */
static uint64_t gnttab_next_gen = 1;

int grant_table_init(struct domain *d)
{
	struct grant_table *gt = xzalloc(sizeof(*gt));

	if (!gt)
		return -ENOMEM;
	spin_lock_init(&gt->lock);
	spin_lock_init(&gt->maptrack_lock);
	gt->max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
	gt->version = 1;
	gt->maptrack_free = MAPTRACK_NONE;
	gt->gen = __atomic_fetch_add(&gnttab_next_gen, 1, __ATOMIC_RELAXED);
	d->grant_table = gt;
	return 0;
}

static void release_shared_frame(grant_entry_v1_t *frame)
{
	struct page_info *pg = mfn_to_page(virt_to_mfn(frame));

	pg->owner = UINT16_MAX;	/* no owner, as domain.c marks it */
	pg->count_info = 0;
	pg->type_info = 0;
	free_pages(frame, 0);
}

void grant_table_destroy(struct domain *d)
{
	struct grant_table *gt = d->grant_table;

	if (!gt)
		return;
	d->grant_table = NULL;
	for (unsigned int i = 0; i < gt->nr_frames; i++) {
		release_shared_frame(gt->shared[i]);
		xfree(gt->active[i]);
	}
	/* grant_table_release_mappings() emptied the maptrack. */
	ASSERT(!gt->maptrack_used);
	for (unsigned int i = 0; i < gt->maptrack_pages; i++)
		free_pages(gt->maptrack[i], 0);
	xfree(gt);
}

int16_t gnttab_grow(struct grant_table *gt, domid_t owner, unsigned int nr)
{
	if (nr > gt->max_frames)
		return GNTST_general_error;
	while (gt->nr_frames < nr) {
		unsigned int i = gt->nr_frames;
		grant_entry_v1_t *frame = alloc_pages(0);
		struct grant_active *act =
			xzalloc(GNTTAB_ENTRIES_PER_FRAME * sizeof(*act));
		struct page_info *pg;

		if (!frame || !act) {
			free_pages(frame, 0);
			xfree(act);
			return GNTST_general_error;
		}
		/* A hypervisor page its owner may map and write (hv/page-type.h). */
		pg = mfn_to_page(virt_to_mfn(frame));
		pg->owner = owner;
		pg->count_info = PGC_XEN_HEAP | PGC_ALLOCATED;
		gt->shared[i] = frame;
		gt->active[i] = act;
		/* Publish the frame before the count that makes it reachable. */
		__atomic_store_n(&gt->nr_frames, i + 1, __ATOMIC_RELEASE);
	}
	return GNTST_okay;
}

grant_entry_v1_t *gnttab_entry(struct grant_table *gt, grant_ref_t ref)
{
	BUG_ON(ref >= gnttab_nr_entries(gt));
	ref = (grant_ref_t)array_index_nospec(ref, gnttab_nr_entries(gt));
	return &gt->shared[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

struct grant_active *gnttab_active(struct grant_table *gt, grant_ref_t ref)
{
	BUG_ON(ref >= gnttab_nr_entries(gt));
	ref = (grant_ref_t)array_index_nospec(ref, gnttab_nr_entries(gt));
	return &gt->active[ref / GNTTAB_ENTRIES_PER_FRAME][ref % GNTTAB_ENTRIES_PER_FRAME];
}

int grant_table_seed(struct domain *d, grant_ref_t ref, domid_t grantee,
		     unsigned long frame, uint16_t gtf_flags)
{
	struct grant_table *gt = d->grant_table;
	grant_entry_v1_t *e;
	int rc = 0;

	if (!gt || (gtf_flags & ~(GTF_type_mask | GTF_readonly)) ||
	    (gtf_flags & GTF_type_mask) != GTF_permit_access || frame > UINT32_MAX)
		return -EINVAL;
	if (ref >= gt->max_frames * GNTTAB_ENTRIES_PER_FRAME)
		return -EINVAL;
	spin_lock(&gt->lock);
	if (gnttab_grow(gt, d->domain_id, ref / GNTTAB_ENTRIES_PER_FRAME + 1)) {
		rc = -ENOMEM;
		goto out;
	}
	e = gnttab_entry(gt, ref);
	/* Linux's order: grantee and frame, then the flags that make it live. */
	e->domid = grantee;
	e->frame = (uint32_t)frame;
	__atomic_store_n(&e->flags, gtf_flags, __ATOMIC_RELEASE);
out:
	spin_unlock(&gt->lock);
	return rc;
}

struct grant_mapping *maptrack_at(struct grant_table *gt, uint32_t handle)
{
	BUG_ON(handle >= gt->maptrack_pages * MAPTRACK_PER_PAGE);
	return &gt->maptrack[handle / MAPTRACK_PER_PAGE][handle % MAPTRACK_PER_PAGE];
}

/* Add one page of free records; false when at the limit or out of memory. */
static bool maptrack_grow(struct grant_table *gt)
{
	struct grant_mapping *page;
	uint32_t base;

	if (gt->maptrack_pages == MAPTRACK_MAX_PAGES)
		return false;
	page = alloc_pages(0);
	if (!page)
		return false;
	base = gt->maptrack_pages * MAPTRACK_PER_PAGE;
	gt->maptrack[gt->maptrack_pages++] = page;
	/* Thread them so that the lowest handle comes out first. */
	for (uint32_t i = MAPTRACK_PER_PAGE; i-- > 0;) {
		page[i].flags = 0;
		page[i].next_free = gt->maptrack_free;
		gt->maptrack_free = base + i;
	}
	return true;
}

uint32_t maptrack_get(struct grant_table *gt)
{
	uint32_t h;

	if (gt->maptrack_free == MAPTRACK_NONE && !maptrack_grow(gt))
		return MAPTRACK_NONE;
	h = gt->maptrack_free;
	gt->maptrack_free = maptrack_at(gt, h)->next_free;
	gt->maptrack_used++;
	return h;
}

void maptrack_put(struct grant_table *gt, uint32_t handle)
{
	struct grant_mapping *m = maptrack_at(gt, handle);

	BUG_ON(!gt->maptrack_used);
	memset(m, 0, sizeof(*m));
	m->next_free = gt->maptrack_free;
	gt->maptrack_free = handle;
	gt->maptrack_used--;
}

struct grant_mapping *maptrack_lookup(struct grant_table *gt, uint32_t handle)
{
	struct grant_mapping *m;

	if (handle >= gt->maptrack_pages * MAPTRACK_PER_PAGE)
		return NULL;
	handle = (uint32_t)array_index_nospec(handle, gt->maptrack_pages * MAPTRACK_PER_PAGE);
	m = maptrack_at(gt, handle);
	return m->flags ? m : NULL;
}
