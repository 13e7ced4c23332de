/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Grant tables, version 1 (public/grant_table.h). A domain grants another
 * access to one of its frames by filling an entry of its grant table, a
 * set of hypervisor frames it maps and writes itself. The grantee maps the
 * frame (map_grant_ref) or copies to/from it (GNTTABOP_copy) by naming the
 * granter's domid and the entry's index.
 *
 * Two halves per domain:
 *  - as granter: the shared frames (entries, guest-writable), and beside
 *    each entry a private "active" record: pin counts and a snapshot of
 *    the frame and grantee taken at the first pin, so a guest rewriting
 *    its entry while it is in use changes nothing;
 *  - as mapper: the maptrack, one record per mapping it holds (its
 *    "handle"), carrying everything unmap needs even when the granter has
 *    been destroyed meanwhile.
 *
 * This header and common/grant-table.c, common/grant-rules.c are the
 * arch-neutral part (unit-tested on the host); arch/x86/pv/grant-*.c put
 * mappings into PV page tables and implement the hypercall.
 *
 * Locks: a granter's gt->lock guards its frames, nr_frames and actives;
 * a mapper's gt->maptrack_lock guards its maptrack. Order: the mm_locks of
 * the domains involved (lower domid first), then the granter's lock, then
 * the mapper's maptrack_lock.
 */
#pragma once
#include <hv/types.h>
#include <hv/spinlock.h>
#include <public/xen.h>
#include <public/grant_table.h>

struct domain;

/* Entries per shared frame (4 KiB of 8-byte v1 entries). */
#define GNTTAB_ENTRIES_PER_FRAME	(PAGE_SIZE / sizeof(grant_entry_v1_t))
/* Frames a table may grow to unless told otherwise (query_size's max). */
#define GNTTAB_DEFAULT_MAX_FRAMES	32
/* Hard limit for grant_table_init()'s max_frames. */
#define GNTTAB_MAX_FRAMES_LIMIT		64
/* Mappings one domain may hold: maptrack pages of MAPTRACK_PER_PAGE each. */
#define MAPTRACK_PER_PAGE		(PAGE_SIZE / sizeof(struct grant_mapping))
#define MAPTRACK_MAX_PAGES		256	/* 21760 mappings: several domUs' blkback persistent grants */
/* A pin counter refuses to grow past this (no wrap-around). */
#define GNT_PIN_MAX			0xffffu
/* How often we retry a cmpxchg on a guest-written entry before giving up. */
#define GNT_CMPXCHG_TRIES		5
/* Ops one grant_table_op call may name (it continues itself as it goes). */
#define GNTTAB_BATCH_MAX		UINT32_MAX

/* How a pin uses the frame: add GNT_PIN_WRITE for writable access. */
enum gnt_pin_kind {
	GNT_PIN_HOST = 0,	/* a CPU mapping, or a copy in progress */
	GNT_PIN_DEV = 1,	/* GNTMAP_device_map */
};
#define GNT_PIN_WRITE		2u
#define GNT_PIN_NR		4	/* host ro, dev ro, host rw, dev rw */

/* The hypervisor's private state of one entry, valid while pinned. */
struct grant_active {
	uint16_t pin[GNT_PIN_NR];	/* indexed by kind | GNT_PIN_WRITE */
	domid_t grantee;		/* snapshot at the first pin */
	uint32_t frame;			/* snapshot at the first pin (an MFN for PV) */
};

/* One mapping held by a mapper; free when flags == 0. */
struct grant_mapping {
	uint32_t flags;			/* GNTMAP_* of the map request */
	grant_ref_t ref;
	domid_t granter;
	uint16_t pin_how;		/* the pin it holds: enum gnt_pin_kind | GNT_PIN_WRITE */
	uint32_t next_free;		/* free-list link while free */
	mfn_t mfn;			/* the granted frame */
	uint64_t granter_gen;		/* grant_table.gen of the granter at map time */
	mfn_t l1_mfn;			/* host_map: the L1 holding the PTE */
	uint32_t l1_idx;
	uint32_t pad2;
};

struct grant_table {
	spinlock_t lock;
	unsigned int nr_frames;		/* shared frames handed out so far */
	unsigned int max_frames;
	unsigned int version;		/* always 1 */
	/*
	 * Unique over the hypervisor's lifetime: a maptrack record whose
	 * granter_gen differs from the domain now at that domid belongs to a
	 * granter that has been destroyed (its domid may be reused).
	 */
	uint64_t gen;
	grant_entry_v1_t *shared[GNTTAB_MAX_FRAMES_LIMIT];	/* directmap VAs */
	struct grant_active *active[GNTTAB_MAX_FRAMES_LIMIT];	/* per frame */

	spinlock_t maptrack_lock;
	struct grant_mapping *maptrack[MAPTRACK_MAX_PAGES];
	unsigned int maptrack_pages;
	uint32_t maptrack_free;		/* head of the free list, or MAPTRACK_NONE */
	unsigned int maptrack_used;
};
#define MAPTRACK_NONE	UINT32_MAX

/* ---- grant-table.c: lifetime, growth, lookups ---------------------------- */

/* Give @d an empty grant table (version 1, GNTTAB_DEFAULT_MAX_FRAMES). 0 or -ENOMEM. */
int grant_table_init(struct domain *d);

/*
 * Free @d's table: its shared frames and actives and its maptrack. Call
 * grant_table_release_mappings() first; mappings others hold of @d's
 * grants keep their own page references (see grant_mapping).
 */
void grant_table_destroy(struct domain *d);

/*
 * Grow @gt to at least @nr frames, each a zeroed hypervisor page owned by
 * @owner (PGC_XEN_HEAP) so the guest can map it. GNTST_okay, or
 * GNTST_general_error beyond max_frames or out of memory. Lock held.
 */
int16_t gnttab_grow(struct grant_table *gt, domid_t owner, unsigned int nr);

/* Entries the table holds now. */
static inline unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
	return gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME;
}

/* The shared entry and the active record of @ref (< gnttab_nr_entries). */
grant_entry_v1_t *gnttab_entry(struct grant_table *gt, grant_ref_t ref);
struct grant_active *gnttab_active(struct grant_table *gt, grant_ref_t ref);

/*
 * Builder helper: before @d runs, fill entry @ref (growing the table as
 * needed) to grant @frame to @grantee with @gtf_flags (GTF_permit_access,
 * optionally GTF_readonly). 0, -EINVAL for a bad ref/flags, -ENOMEM.
 */
int grant_table_seed(struct domain *d, grant_ref_t ref, domid_t grantee,
		     unsigned long frame, uint16_t gtf_flags);

/* Take a free maptrack handle (growing the maptrack); MAPTRACK_NONE when full. */
uint32_t maptrack_get(struct grant_table *gt);
/* Return @handle to the free list. */
void maptrack_put(struct grant_table *gt, uint32_t handle);
/* The record of a handle maptrack_get() just returned. */
struct grant_mapping *maptrack_at(struct grant_table *gt, uint32_t handle);
/* The record of @handle if it is in use, else NULL. */
struct grant_mapping *maptrack_lookup(struct grant_table *gt, uint32_t handle);

/*
 * arch (arch/x86/pv/grant-map.c): undo every mapping @d holds of grants
 * (PTEs cleared, pins and references dropped), for domain teardown.
 */
void grant_table_release_mappings(struct domain *d);

/* ---- grant-rules.c: the entry rules (pure) ------------------------------- */

/* Is the frame acceptable (owned by the granter, RAM)? Called with the lock held. */
typedef bool (*gnt_frame_ok_fn)(uint32_t frame, void *ctx);

/*
 * Pin entry @e (active record @act) for @grantee, with @how = kind |
 * optional GNT_PIN_WRITE. The first pin checks the entry (permit_access,
 * no sub_page, domid == @grantee, frame_ok) and snapshots it; every pin
 * checks readonly against GNT_PIN_WRITE and sets GTF_reading (and
 * GTF_writing) in the shared entry with a bounded cmpxchg. Returns
 * GNTST_okay, GNTST_bad_page when frame_ok refuses the frame, or
 * GNTST_general_error; on failure nothing changed.
 */
int16_t gnt_pin(volatile grant_entry_v1_t *e, struct grant_active *act, domid_t grantee,
		unsigned int how, gnt_frame_ok_fn frame_ok, void *ctx);

/*
 * Drop one pin taken with @how. The last writable pin clears GTF_writing,
 * the last pin GTF_reading (the granter may then end access).
 */
void gnt_unpin(volatile grant_entry_v1_t *e, struct grant_active *act, unsigned int how);

/* Total pins of @act. */
unsigned int gnt_pins(const struct grant_active *act);
