// SPDX-License-Identifier: GPL-2.0-only
/*
 * The page type and reference rules (hv/page-type.h). The invariants:
 *  - a frame has one type at a time; the type changes only at count 0;
 *  - a page-table type is held only by frames whose every entry validated;
 *  - references never underflow (a hypervisor bug) or overflow (refused).
 * While a frame is being validated it already carries its new type with
 * count 1 and PGT_VALIDATING, so an entry pointing back at the frame finds
 * the type taken: a table cannot validate itself as another type.
 */
#include <hv/page-type.h>
#include <hv/bug.h>
#include <hv/errno.h>

bool get_page(struct page_info *pg, uint16_t owner)
{
	uint32_t refs = pg->count_info & PGC_COUNT_MASK;

	if (pg->state != PGS_INUSE || pg->owner != owner)
		return false;
	if (refs == PGC_COUNT_MASK)
		return false;	/* overflow: refuse rather than wrap */
	pg->count_info++;
	return true;
}

void put_page(struct page_info *pg)
{
	BUG_ON(!(pg->count_info & PGC_COUNT_MASK));
	pg->count_info--;
}

int get_page_type(struct page_info *pg, enum page_type type, page_validate_fn validate,
		  void *ctx)
{
	unsigned int count = page_type_count(pg);
	int rc;

	/* Callers ask for a real type: "none" is the absence of one. */
	BUG_ON(type == PGT_none || type > PGT_l4);
	if (count) {
		if (page_get_type(pg) != type)
			return -EINVAL;
		if (count == PGT_COUNT_MASK)
			return -EOVERFLOW;
		pg->type_info++;
		return 0;
	}
	pg->type_info = ((uint32_t)type << PGT_TYPE_SHIFT) | 1;
	if (page_type_is_table(type)) {
		pg->type_info |= PGT_VALIDATING;
		rc = validate(pg, type, ctx);
		if (rc) {
			pg->type_info = 0;
			return rc;
		}
		pg->type_info &= ~PGT_VALIDATING;
	}
	return 0;
}

void put_page_type(struct page_info *pg, page_devalidate_fn devalidate, void *ctx)
{
	enum page_type type = page_get_type(pg);

	BUG_ON(!page_type_count(pg));
	if (page_type_count(pg) > 1) {
		pg->type_info--;
		return;
	}
	/* Last use: while its entries are released the frame keeps its type. */
	if (page_type_is_table(type))
		devalidate(pg, type, ctx);
	pg->type_info = 0;
}
