// SPDX-License-Identifier: GPL-2.0-only
/*
 * gnttab-xdom: grants between two domains, and what happens to them when
 * one dies. Like domctl, this guest boots as dom0 with a copy of itself as
 * its initrd and builds that copy as a domU ("the child") through Ward's
 * control interface.
 *
 * The builder granted dom0 the child's console and xenstore pages (refs
 * 0 and 1, grant_table_seed()): dom0 maps both while the child is paused.
 * Before unpausing the child, dom0 grants it a page (ref DOM0_REF). The
 * child sets up its own table, grants dom0 three pages (writable,
 * read-only, and one to another domid), checks it may not query or set
 * up dom0's table (permission_denied, -EPERM), maps dom0's grant and
 * writes a marker and its failure count through it, notifies its console port and waits for ever.
 * dom0 then checks its entry's GTF_reading/GTF_writing, maps and copies
 * the child's grants (and is refused what it must be), and destroys the
 * child while both sides still hold mappings: the child's mappings of
 * dom0's page must be released by the destruction (the bits clear), and
 * dom0's mappings of the child's pages must stay usable (the frames live
 * on as orphans) until dom0 unmaps them, which must work with the granter
 * gone and give the memory back.
 *
 * Ward only: Xen has no such interface (guest-tests-xen.sh skips it).
 */
#include "ward-ctl.h"
#include <xen/grant_table.h>

const char test_title[] = "gnttab-xdom: grants between dom0 and a domU, and the domU's death";

#define CHILD_MEM_KB		(32u * 1024)
#define FREE_SLACK_PAGES	64
#define DOM0_REF		20	/* dom0's grant to the child */
#define CHILD_REF_RW		10	/* the child's grants to dom0 */
#define CHILD_REF_RO		11
#define CHILD_REF_OTHER		12	/* granted to OTHER_DOMID, not to dom0 */
#define OTHER_DOMID		5
#define CHILD_MARKER		0xc4110000u
#define DOM0_MARKER		0xd0d00000u

static uint8_t gt_win[PAGE_SIZE] __page_aligned;	/* frame 0 of our table */
static uint8_t pages[2][PAGE_SIZE] __page_aligned;	/* granted */
static uint8_t target[2][PAGE_SIZE] __page_aligned;	/* mapped over */
static uint8_t local_page[PAGE_SIZE] __page_aligned;
static grant_entry_v1_t *gt;

static long gnttab_op(unsigned int cmd, void *uop, unsigned int count)
{
	return hypercall3(__HYPERVISOR_grant_table_op, cmd, uop, count);
}

static uint32_t pattern(unsigned int page, unsigned int i)
{
	return 0x6a000000u | (page << 16) | i;
}

/* setup_table(1) and map frame 0 of our own table at gt_win; false on failure. */
static bool map_own_table(void)
{
	xen_pfn_t frame = 0;
	struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
	long rc;

	set_xen_guest_handle(st.frame_list, &frame);
	rc = gnttab_op(GNTTABOP_setup_table, &st, 1);
	if (rc || st.status)
		return false;
	rc = HYPERVISOR_update_va_mapping((unsigned long)gt_win,
					  (frame << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
					  _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG | UVMF_LOCAL);
	gt = (grant_entry_v1_t *)gt_win;
	return rc == 0;
}

static void grant(grant_ref_t ref, domid_t domid, const void *page, uint16_t flags)
{
	gt[ref].domid = domid;
	gt[ref].frame = (uint32_t)virt_to_mfn(page);
	barrier();
	WRITE_ONCE(gt[ref].flags, flags);
}

static void fill(unsigned int p)
{
	for (unsigned int i = 0; i < PAGE_SIZE / 4; i++)
		((uint32_t *)pages[p])[i] = pattern(p, i);
}

static int16_t map1(void *at, uint32_t flags, grant_ref_t ref, domid_t dom,
		    grant_handle_t *handle)
{
	struct gnttab_map_grant_ref op = { .host_addr = (unsigned long)at, .flags = flags,
					   .ref = ref, .dom = dom, .status = 0x7777 };

	if (gnttab_op(GNTTABOP_map_grant_ref, &op, 1))
		return 0x7777;	/* never a status: the caller's check fails */
	*handle = op.handle;
	return op.status;
}

static int16_t unmap1(void *at, grant_handle_t handle)
{
	struct gnttab_unmap_grant_ref op = { .host_addr = (unsigned long)at, .handle = handle,
					     .status = 0x7777 };

	if (gnttab_op(GNTTABOP_unmap_grant_ref, &op, 1))
		return 0x7777;
	return op.status;
}

static void restore(void *va)
{
	HYPERVISOR_update_va_mapping((unsigned long)va,
				     (virt_to_mfn(va) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
				     _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG | UVMF_LOCAL);
}

static bool check_st(const char *what, int16_t st, int16_t want)
{
	if (st == want)
		return true;
	test_fail("%s: status %d, expected %d", what, st, want);
	return false;
}

/* ---- the child ---------------------------------------------------------- */

/* What an unprivileged domain may not do to another's table; failures. */
static uint32_t child_refusals(void)
{
	struct gnttab_query_size q = { .dom = 0, .status = 0x7777 };
	struct gnttab_setup_table s = { .dom = 0, .nr_frames = 1, .status = 0x7777 };
	struct gnttab_get_version gv = { .dom = 0 };
	xen_pfn_t frame;
	uint32_t bad = 0;
	long rc;

	rc = gnttab_op(GNTTABOP_query_size, &q, 1);
	if (rc || q.status != GNTST_permission_denied) {
		printk("child: FAILED: query_size of dom0: rc %ld status %d\n", rc, q.status);
		bad++;
	}
	set_xen_guest_handle(s.frame_list, &frame);
	rc = gnttab_op(GNTTABOP_setup_table, &s, 1);
	if (rc || s.status != GNTST_permission_denied) {
		printk("child: FAILED: setup_table of dom0: rc %ld status %d\n", rc, s.status);
		bad++;
	}
	rc = gnttab_op(GNTTABOP_get_version, &gv, 1);
	if (rc != -XEN_EPERM) {
		printk("child: FAILED: get_version of dom0: rc %ld\n", rc);
		bad++;
	}
	return bad;
}

static void __noreturn child_main(start_info_t *si)
{
	struct evtchn_send send = { .port = si->console.domU.evtchn };
	evtchn_port_t never = si->store_evtchn;
	struct sched_poll sp = { .nr_ports = 1, .timeout = 0 };
	grant_handle_t h;
	uint32_t refused_wrongly = child_refusals();
	bool good = !refused_wrongly;
	int16_t st;

	if (!map_own_table()) {
		printk("child: FAILED: setting up its grant table\n");
		guest_shutdown(SHUTDOWN_reboot);
	}
	fill(0);
	fill(1);
	grant(CHILD_REF_RW, 0, pages[0], GTF_permit_access);
	grant(CHILD_REF_RO, 0, pages[1], GTF_permit_access | GTF_readonly);
	grant(CHILD_REF_OTHER, OTHER_DOMID, pages[0], GTF_permit_access);
	/* dom0's page, granted to us before we ran: map it and leave a mark. */
	st = map1(target[0], GNTMAP_host_map, DOM0_REF, 0, &h);
	if (st) {
		printk("child: FAILED: mapping dom0's grant: status %d\n", st);
		good = false;
	} else {
		((volatile uint32_t *)target[0])[3] = refused_wrongly;
		((volatile uint32_t *)target[0])[1] = CHILD_MARKER;
	}
	printk("child: %s; waiting to be destroyed\n", good ? "ready" : "FAILED");
	HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	/* Block for ever, events masked: poll a port nobody signals, no timeout. */
	set_xen_guest_handle(sp.ports, &never);
	for (;;)
		HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
}

/* ---- dom0's side ---------------------------------------------------------- */

static evtchn_port_t dom_exc_port;

static int16_t copy1(uint32_t flags, uint64_t src, domid_t sdom, uint64_t dst, domid_t ddom,
		     uint16_t len)
{
	struct gnttab_copy op = { .flags = flags, .len = len, .status = 0x7777 };

	op.source.domid = sdom;
	op.dest.domid = ddom;
	if (flags & GNTCOPY_source_gref)
		op.source.u.ref = (grant_ref_t)src;
	else
		op.source.u.gmfn = src;
	if (flags & GNTCOPY_dest_gref)
		op.dest.u.ref = (grant_ref_t)dst;
	else
		op.dest.u.gmfn = dst;
	if (gnttab_op(GNTTABOP_copy, &op, 1))
		return 0x7777;
	return op.status;
}

static void test_xdom(void)
{
	volatile uint32_t *t0 = (volatile uint32_t *)target[0];
	volatile uint32_t *t1 = (volatile uint32_t *)target[1];
	struct evtchn_bind_interdomain bi = { 0 };
	grant_handle_t h_rw, h_ro, h;
	unsigned long free_before = free_pages_now();
	struct ward_ctl c;
	domid_t child;
	uint16_t f;
	int16_t st;

	memset(pages[0], 0, PAGE_SIZE);
	/* The child: built paused, granted a page of ours, then started. */
	ctl_init(&c, WARD_CTL_create, 0);
	c.u.create.mem_kb = CHILD_MEM_KB;
	c.u.create.kernel = start_info->mod_start;
	c.u.create.kernel_len = start_info->mod_len;
	c.u.create.cmdline = (uint64_t)(unsigned long)"child";
	c.u.create.vcpus = 1;
	if (!check_rc("WARD_CTL_create", ctl_call(&c), 0))
		return;
	child = (domid_t)c.domid;
	/* The builder granted us its console and xenstore pages (refs 0 and 1). */
	{
		const struct { grant_ref_t ref; uint64_t mfn; const char *what; } seeded[] = {
			{ GNTTAB_RESERVED_CONSOLE, c.u.create.console_mfn, "console" },
			{ GNTTAB_RESERVED_XENSTORE, c.u.create.store_mfn, "xenstore" },
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(seeded); i++) {
			struct gnttab_map_grant_ref op = { .flags = GNTMAP_device_map,
							   .ref = seeded[i].ref, .dom = child };
			struct gnttab_unmap_grant_ref un = { 0 };

			if (gnttab_op(GNTTABOP_map_grant_ref, &op, 1) || op.status) {
				test_fail("map the child's %s grant: status %d", seeded[i].what,
					  op.status);
				continue;
			}
			CHECK(op.dev_bus_addr == seeded[i].mfn << PAGE_SHIFT,
			      "the child's %s grant maps %lx, its page is mfn %lx",
			      seeded[i].what, (unsigned long)op.dev_bus_addr,
			      (unsigned long)seeded[i].mfn);
			un.handle = op.handle;
			un.dev_bus_addr = op.dev_bus_addr;
			if (gnttab_op(GNTTABOP_unmap_grant_ref, &un, 1) || un.status)
				test_fail("unmap the child's %s grant: status %d", seeded[i].what,
					  un.status);
		}
	}
	grant(DOM0_REF, child, pages[0], GTF_permit_access);
	bi.remote_dom = child;
	bi.remote_port = c.u.create.console_port;
	if (!check_rc("bind the child's console port",
		      HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0))
		goto destroy;
	__atomic_fetch_and(&shared_info->evtchn_pending[bi.local_port / 64],
			   ~(1UL << (bi.local_port % 64)), __ATOMIC_SEQ_CST);
	ctl_init(&c, WARD_CTL_unpause, child);
	check_rc("unpause the child", ctl_call(&c), 0);
	if (!poll_port(bi.local_port)) {
		test_fail("the child never said it was ready");
		goto destroy;
	}

	/* The child maps our page: our entry says so, its store arrived. */
	f = READ_ONCE(gt[DOM0_REF].flags);
	CHECK(f == (GTF_permit_access | GTF_reading | GTF_writing),
	      "our grant while the child maps it: flags 0x%x", f);
	CHECK(((volatile uint32_t *)pages[0])[1] == CHILD_MARKER,
	      "the child's store through its mapping of our page did not arrive");
	CHECK(((volatile uint32_t *)pages[0])[3] == 0,
	      "the child was not refused dom0's table %u times (see its console)",
	      ((volatile uint32_t *)pages[0])[3]);

	/* Its grants to us. */
	st = map1(target[0], GNTMAP_host_map, CHILD_REF_RW, child, &h_rw);
	if (!check_st("map the child's writable grant", st, GNTST_okay))
		goto destroy;
	CHECK(t0[9] == pattern(0, 9), "the child's page reads 0x%x", t0[9]);
	t0[2] = DOM0_MARKER;
	check_st("map the child's read-only grant writable",
		 map1(target[1], GNTMAP_host_map, CHILD_REF_RO, child, &h), GNTST_general_error);
	st = map1(target[1], GNTMAP_host_map | GNTMAP_readonly, CHILD_REF_RO, child, &h_ro);
	if (!check_st("map the child's read-only grant", st, GNTST_okay))
		goto destroy;
	CHECK(t1[3] == pattern(1, 3), "the child's read-only page reads 0x%x", t1[3]);
	check_st("map a child grant meant for another domain",
		 map1(local_page, GNTMAP_host_map, CHILD_REF_OTHER, child, &h),
		 GNTST_general_error);
	check_st("map a ref beyond the child's table",
		 map1(local_page, GNTMAP_host_map, 5000, child, &h), GNTST_bad_gntref);

	/* Copies both ways, and not into its read-only grant. */
	memset(local_page, 0, PAGE_SIZE);
	check_st("copy from the child's grant",
		 copy1(GNTCOPY_source_gref, CHILD_REF_RO, child, virt_to_mfn(local_page),
		       DOMID_SELF, 64), GNTST_okay);
	CHECK(((uint32_t *)local_page)[15] == pattern(1, 15), "copied data reads 0x%x",
	      ((uint32_t *)local_page)[15]);
	((uint32_t *)local_page)[0] = 0x5eed;
	check_st("copy into the child's grant",
		 copy1(GNTCOPY_dest_gref, virt_to_mfn(local_page), DOMID_SELF, CHILD_REF_RW,
		       child, 4), GNTST_okay);
	CHECK(t0[0] == 0x5eed, "the copy into the child's page is not there: 0x%x", t0[0]);
	check_st("copy into the child's read-only grant",
		 copy1(GNTCOPY_dest_gref, virt_to_mfn(local_page), DOMID_SELF, CHILD_REF_RO,
		       child, 4), GNTST_general_error);

	/* The child dies with mappings both ways. */
	ctl_init(&c, WARD_CTL_destroy, child);
	if (!check_rc("destroy the child while mappings remain", ctl_call(&c), 0))
		return;
	CHECK(poll_port(dom_exc_port), "no VIRQ_DOM_EXC after the destroy");
	f = READ_ONCE(gt[DOM0_REF].flags);
	CHECK(f == GTF_permit_access,
	      "our grant after its mapper died: flags 0x%x (its mapping not released)", f);
	/* Its frames we map are orphans now: still there, still ours to use. */
	CHECK(t0[9] == pattern(0, 9) && t0[2] == DOM0_MARKER && t1[3] == pattern(1, 3),
	      "the dead child's pages changed under our mappings");
	t0[4] = DOM0_MARKER;
	CHECK(t0[4] == DOM0_MARKER, "the orphan no longer takes stores");
	check_st("map a grant of the destroyed child",
		 map1(local_page, GNTMAP_host_map, CHILD_REF_RW, child, &h), GNTST_bad_domain);
	check_st("unmap the writable mapping after the granter died",
		 unmap1(target[0], h_rw), GNTST_okay);
	check_st("unmap the read-only mapping after the granter died",
		 unmap1(target[1], h_ro), GNTST_okay);
	check_st("unmap it again", unmap1(target[1], h_ro), GNTST_bad_handle);
	restore(target[0]);
	restore(target[1]);
	CHECK(free_pages_now() + FREE_SLACK_PAGES >= free_before,
	      "the child's memory did not all come back: %lu free pages, %lu before",
	      free_pages_now(), free_before);
	WRITE_ONCE(gt[DOM0_REF].flags, 0);
	return;
destroy:
	ctl_init(&c, WARD_CTL_destroy, child);
	ctl_call(&c);
	poll_port(dom_exc_port);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "grants between dom0 and a domU that dies", test_xdom },
	};
	struct evtchn_bind_virq bv = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
	long rc;

	if (!(si->flags & SIF_INITDOMAIN))
		child_main(si);
	ctl_dom0_setup(1);
	if (!map_own_table())
		test_error("setting up our grant table");
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
	if (rc)
		test_error("binding VIRQ_DOM_EXC: %ld", rc);
	dom_exc_port = bv.port;
	run_cases(cases, ARRAY_SIZE(cases));
}
