// SPDX-License-Identifier: GPL-2.0-only
/*
 * arch/x86/pv/exchange-check.c: the argument checks of XENMEM_exchange.
 * One row per rule: domain ids, orders, frame counts on both sides,
 * flags, nr_exchanged, and the address limit derived from the flags.
 */
// sources: arch/x86/pv/exchange-check.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <hv/errno.h>
#include <asm/exchange.h>

struct row {
	const char *what;
	unsigned long in_n, out_n;
	unsigned int in_order, out_order, flags;
	domid_t in_dom, out_dom;
	unsigned long exchanged;
	int rc;
	unsigned long frames;
	mfn_t limit;
};

#define NONE	(~(mfn_t)0)

static const struct row rows[] = {
	{ "swiotlb: 64 frames for one order-6 extent below 4 GiB",
	  64, 1, 0, 6, 32, DOMID_SELF, DOMID_SELF, 0, 0, 64, 1ul << 20 },
	{ "one frame, no address limit", 1, 1, 0, 0, 0, DOMID_SELF, DOMID_SELF, 0, 0, 1, NONE },
	{ "nothing to exchange", 0, 0, 0, 0, 0, DOMID_SELF, DOMID_SELF, 0, 0, 0, NONE },
	{ "order-9 in, 512 order-0 out", 1, 512, 9, 0, 0, 0, 0, 0, 0, 512, NONE },
	{ "18 address bits: below 256 KiB", 64, 1, 0, 6, 18, DOMID_SELF, DOMID_SELF, 0, 0, 64, 64 },
	{ "12 address bits: only frame 0", 1, 1, 0, 0, 12, DOMID_SELF, DOMID_SELF, 0, 0, 1, 1 },
	{ "64 address bits: no limit", 1, 1, 0, 0, 64, DOMID_SELF, DOMID_SELF, 0, 0, 1, NONE },
	{ "node 0 flag is accepted", 1, 1, 0, 0, XENMEMF_node(0), DOMID_SELF, DOMID_SELF, 0, 0, 1, NONE },
	{ "domains differ", 1, 1, 0, 0, 0, DOMID_SELF, 0, 0, -EINVAL, 0, 0 },
	{ "in order too big", 1, 1024, 10, 0, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "out order too big", 1024, 1, 0, 10, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "sizes differ", 64, 1, 0, 5, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "more than one call may take", 1024, 1024, 0, 0, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "513 frames", 513, 513, 0, 0, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "2 x order 9", 2, 2, 9, 9, 0, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "a count whose shift would overflow", 1ul << 60, 1ul << 60, 4, 4, 0, DOMID_SELF,
	  DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "populate-on-demand flag", 1, 1, 0, 0, XENMEMF_populate_on_demand, DOMID_SELF,
	  DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "unknown flag bit 31", 1, 1, 0, 0, 1u << 31, DOMID_SELF, DOMID_SELF, 0, -EINVAL, 0, 0 },
	{ "progress claimed", 2, 2, 0, 0, 0, DOMID_SELF, DOMID_SELF, 1, -EINVAL, 0, 0 },
};

static void test_rows(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct xen_memory_exchange x = {
			.in = { .nr_extents = r->in_n, .extent_order = r->in_order,
				.domid = r->in_dom },
			.out = { .nr_extents = r->out_n, .extent_order = r->out_order,
				 .mem_flags = r->flags, .domid = r->out_dom },
			.nr_exchanged = r->exchanged,
		};
		unsigned long frames = 0xbad;
		mfn_t limit = 0xbad;
		int rc = exchange_check(&x, &frames, &limit);

		if (rc != r->rc)
			fail_msg("%s: rc %d, want %d", r->what, rc, r->rc);
		if (!rc && (frames != r->frames || limit != r->limit))
			fail_msg("%s: %lu frames below %#llx, want %lu below %#llx", r->what,
				 frames, (unsigned long long)limit, r->frames,
				 (unsigned long long)r->limit);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
