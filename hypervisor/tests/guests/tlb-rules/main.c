// SPDX-License-Identifier: GPL-2.0-only
/*
 * tlb-rules: every TLB flush rule of the PV ABI, as a guest sees it, on two
 * vCPUs (dom0_max_vcpus=2 on two CPUs, so vCPU 1 really runs beside vCPU
 * 0). The expected outcomes are Xen 4.17's, which unmodified Linux relies
 * on:
 *  - a mapping changed or removed without a flush MAY stay visible: the
 *    old translation or the new one are both correct (the guest's own TLB
 *    is its business, as on hardware), so those checks accept either;
 *  - a flush the guest asks for (update_va_mapping's UVMF_INVLPG and
 *    UVMF_TLB_FLUSH with a LOCAL, ALL or MULTI mask, MMUEXT_TLB_FLUSH_* and
 *    MMUEXT_INVLPG_*, a NEW_BASEPTR) is honoured on every vCPU it names, by
 *    the time the hypercall returns;
 *  - a frame that changes type or is freed is never reachable through a
 *    stale entry from any vCPU (retype.c).
 *
 * Each flush case maps a window W (a page neither vCPU touched before) to
 * page A, has vCPU 1 load through W all the time (so its TLB holds
 * W -> A) and vCPU 0 load through it once, then
 * moves W to page B with the operation under test, and asks each vCPU
 * what it reads at W now: A's word or B's, and B's where a flush was
 * asked for that vCPU. Under QEMU's TCG nothing but a CR3 load or an
 * INVLPG drops a soft-TLB entry, so a flush that does not happen shows.
 */
#include "tlb-rules.h"

const char test_title[] = "tlb-rules: the TLB flush rules, from the guest's side, on 2 vCPUs";

#define VAL_A		0xaaaa0000aaaa0001UL
#define VAL_B		0xbbbb0000bbbb0002UL
#define WAIT_NS		(5ULL * 1000 * 1000 * 1000)
#define V1_STACK_SIZE	16384
#define STORE_REPS	2000
#define NR_WINDOWS	48

/*
 * In .data, not .bss: head.S clears .bss through vCPU 0's TLB. Nothing
 * touches these pages through a guest VA before a case takes one.
 */
static uint8_t windows[NR_WINDOWS][PAGE_SIZE]
	__attribute__((section(".data.windows"), aligned(PAGE_SIZE)));
uint8_t decoy[PAGE_SIZE] __page_aligned;
static uint64_t page_a[PAGE_SIZE / 8] __page_aligned;
static uint64_t page_b[PAGE_SIZE / 8] __page_aligned;
static uint8_t v1_stack[V1_STACK_SIZE] __aligned(16);

unsigned long *p2m;
static unsigned long l4_mfn;

/*
 * vCPU 0 -> 1: v1_cmd and v1_arg, then v1_seq bumped; v1_ptr and v1_hot
 * only while vCPU 1 is idle. vCPU 1 -> 0: v1_val, then v1_ack = v1_seq.
 * Each side writes only its own words; x86 keeps stores in order.
 * CMD_MARK is CMD_STORE and then no more stores until the next CMD_SYNC,
 * so the hot loop's zeros cannot cover the stores to be looked for.
 */
enum v1_cmd { CMD_SYNC, CMD_PROBE, CMD_STORE, CMD_MARK, CMD_BLOCK };
static volatile unsigned long v1_seq, v1_ack, v1_cmd, v1_hot, v1_woken;
/* An IPI port that notifies vCPU 1: CMD_BLOCK polls it, v1_wake() sends it. */
static evtchn_port_t v1_port;
static volatile uint64_t v1_arg, v1_val;
static volatile uint64_t *volatile v1_ptr;

static bool v1_port_pending(void)
{
	return shared_info->evtchn_pending[v1_port / 64] & (1UL << (v1_port % 64));
}

/* CMD_BLOCK: answer, then block in SCHEDOP_poll until v1_port is raised. */
static void v1_block_here(unsigned long s)
{
	v1_ack = s;
	while (!v1_port_pending()) {
		struct sched_poll sp = { .nr_ports = 1, .timeout = 0 };

		set_xen_guest_handle(sp.ports, &v1_port);
		HYPERVISOR_sched_op(SCHEDOP_poll, &sp);
	}
	__atomic_fetch_and(&shared_info->evtchn_pending[v1_port / 64], ~(1UL << (v1_port % 64)),
			   __ATOMIC_SEQ_CST);
	v1_woken = s;
}

static void vcpu1_main(unsigned long unused)
{
	unsigned long seen = 0;
	bool quiet = false;

	(void)unused;
	for (;;) {
		/* hot before ptr: vCPU 0 sets ptr first, so a new hot comes with its ptr. */
		unsigned long s = v1_seq, hot = v1_hot;
		volatile uint64_t *p = v1_ptr;

		if (s != seen && v1_cmd == CMD_BLOCK) {
			/* Quiet after it, too: its first stores come with CMD_MARK. */
			quiet = true;
			seen = s;
			v1_block_here(s);
			continue;
		}
		if (s != seen) {
			if (v1_cmd == CMD_PROBE) {
				v1_val = p[0];
			} else if (v1_cmd == CMD_STORE || v1_cmd == CMD_MARK) {
				uint64_t val = v1_arg;

				for (unsigned int i = 0; i < STORE_REPS; i++)
					p[STORE_SLOT] = val;
			}
			quiet = v1_cmd == CMD_MARK;
			seen = s;
			v1_ack = s;
			continue;
		}
		if (quiet)
			asm volatile("pause");
		else if (hot == HOT_READ)
			(void)p[0];
		else if (hot == HOT_WRITE)
			p[STORE_SLOT] = 0;
		else
			asm volatile("pause");
	}
}

static void v1_command(enum v1_cmd cmd, uint64_t arg)
{
	unsigned long s = v1_seq + 1;
	uint64_t end = vcpu_now(0) + WAIT_NS;

	v1_cmd = cmd;
	v1_arg = arg;
	v1_seq = s;
	while (v1_ack != s)
		if (vcpu_now(0) > end)
			test_abort("vCPU 1 did not answer within 5 s");
}

void v1_use(volatile uint64_t *ptr, enum v1_hot hot)
{
	v1_hot = HOT_NONE;
	v1_command(CMD_SYNC, 0);	/* now it touches nothing */
	v1_ptr = ptr;
	v1_hot = ptr ? hot : HOT_NONE;
	v1_command(CMD_SYNC, 0);
}

uint64_t v1_probe(void)
{
	v1_command(CMD_PROBE, 0);
	return v1_val;
}

void v1_store(uint64_t val)
{
	v1_command(CMD_STORE, val);
}

void v1_mark(uint64_t val)
{
	v1_command(CMD_MARK, val);
}

void v1_block(void)
{
	struct vcpu_runstate_info rs;
	uint64_t end;
	long rc;

	v1_command(CMD_BLOCK, 0);
	end = vcpu_now(0) + WAIT_NS;
	for (;;) {
		if ((rc = HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 1, &rs)))
			test_error("VCPUOP_get_runstate_info(1): rc %ld %s", rc, errno_name(rc));
		if (rs.state == RUNSTATE_blocked)
			return;
		if (vcpu_now(0) > end)
			test_abort("vCPU 1 did not block within 5 s (runstate %d)", rs.state);
	}
}

void v1_wake(void)
{
	struct evtchn_send send = { .port = v1_port };
	unsigned long s = v1_seq;
	uint64_t end = vcpu_now(0) + WAIT_NS;
	long rc;

	if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_send, &send)))
		test_error("EVTCHNOP_send to vCPU 1: rc %ld %s", rc, errno_name(rc));
	while (v1_woken != s)
		if (vcpu_now(0) > end)
			test_abort("vCPU 1 did not wake within 5 s");
}

long uvm(const void *va, uint64_t val, unsigned long flags)
{
	return HYPERVISOR_update_va_mapping((unsigned long)va, val, flags);
}

long mmu1(uint64_t ptr, uint64_t val)
{
	mmu_update_t req = { .ptr = ptr, .val = val };

	return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, unsigned long mfn)
{
	struct mmuext_op op = { .cmd = cmd, .arg1.mfn = mfn };

	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* One 8-byte mov into a page table through its read-only mapping: trapped, emulated. */
void ptwr_store(volatile uint64_t *p, uint64_t val)
{
	asm volatile("movq %1, %0" : "=m"(*p) : "r"(val) : "memory");
}

struct window take_window(void)
{
	static unsigned int next;	/* vCPU 0 only */
	struct window w;

	if (next == NR_WINDOWS)
		test_error("out of windows (NR_WINDOWS %u)", NR_WINDOWS);
	w.va = (volatile uint64_t *)windows[next++];
	w.l1e = bootstrap_entry((const void *)w.va, 1, &w.l1e_maddr);
	if (!w.l1e)
		test_error("no bootstrap L1 entry maps window %p", w.va);
	return w;
}

unsigned long fresh_frame(unsigned long *pfn)
{
	unsigned long n = take_free_pfn(), mfn = p2m[n];
	long rc;

	if ((rc = mmuext1(MMUEXT_CLEAR_PAGE, mfn)))
		test_error("clearing fresh frame %lx: rc %ld %s", mfn, rc, errno_name(rc));
	if (pfn)
		*pfn = n;
	return mfn;
}

/* ---- The guest-requested flushes ---- */

enum how { UVM, MMU, MMU_EXT, PTWR, REMOVE };
enum want { EITHER, NEW };

struct flush_case {
	const char *name;
	enum how how;
	unsigned long arg;	/* UVMF flags, or the MMUEXT command */
	unsigned long mask;	/* a vCPU mask for the MULTI forms, 0: none */
	enum want v0, v1;
};

/* The mask the MULTI forms point at (8-aligned, so UVMF's low bits stay free). */
static unsigned long vcpu_mask __aligned(8);

static long do_change(const struct flush_case *c, const struct window *w, uint64_t to)
{
	struct mmuext_op op = { .cmd = (unsigned int)c->arg };
	unsigned long flags = c->arg;
	long rc;

	switch (c->how) {
	case UVM:
	case REMOVE:
		if (c->mask)
			flags |= (unsigned long)&vcpu_mask;
		return uvm((const void *)w->va, to, flags);
	case PTWR:
		ptwr_store(w->l1e, to);
		return 0;
	case MMU:
		return mmu1(w->l1e_maddr, to);
	case MMU_EXT:
		break;
	}
	if ((rc = mmu1(w->l1e_maddr, to)))
		return rc;
	switch (op.cmd) {
	case MMUEXT_INVLPG_LOCAL:
	case MMUEXT_INVLPG_MULTI:
	case MMUEXT_INVLPG_ALL:
		op.arg1.linear_addr = (unsigned long)w->va;
		break;
	case MMUEXT_NEW_BASEPTR:
		op.arg1.mfn = l4_mfn;	/* the root we run on: a reload of CR3 */
		break;
	}
	if (c->mask)
		set_xen_guest_handle(op.arg2.vcpumask, &vcpu_mask);
	return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static const char *seen(uint64_t v)
{
	return v == VAL_A ? "old" : v == VAL_B ? "new" : "neither";
}

/* vCPU @id read @v at W: one of A or B, and B if a flush was asked for it. */
static void judge(const struct flush_case *c, unsigned int id, uint64_t v, enum want want)
{
	if (v != VAL_A && v != VAL_B)
		test_fail("%s: vCPU %u read %lx at W, neither page A's %lx nor B's %lx", c->name,
			  id, (unsigned long)v, VAL_A, VAL_B);
	else if (want == NEW && v != VAL_B)
		test_fail("%s: vCPU %u still reads page A through W: the flush it asked for did not reach it",
			  c->name, id);
}

static void run_flush(const struct flush_case *c)
{
	uint64_t to_a = mfn_pte(virt_to_mfn(page_a), PTE_RW);
	uint64_t to_b = c->how == REMOVE ? 0 : mfn_pte(virt_to_mfn(page_b), PTE_RW);
	struct window win = take_window();
	volatile uint64_t *w = win.va;
	uint64_t v0, v1 = 0;
	long rc;

	page_a[0] = VAL_A;
	page_b[0] = VAL_B;
	vcpu_mask = c->mask;
	if ((rc = uvm((const void *)w, to_a, UVMF_NONE)))
		test_error("%s: W -> A: rc %ld %s", c->name, rc, errno_name(rc));
	/* A removed W would fault on vCPU 1, which has no trap table: it stays away. */
	if (c->how != REMOVE) {
		v1_use(w, HOT_READ);
		if ((v1 = v1_probe()) != VAL_A)
			test_error("%s: vCPU 1 reads %lx through a new W -> A", c->name,
				   (unsigned long)v1);
	}
	if ((v0 = w[0]) != VAL_A)
		test_error("%s: vCPU 0 reads %lx through a new W -> A", c->name, (unsigned long)v0);

	rc = do_change(c, &win, to_b);
	if (rc) {
		test_fail("%s: rc %ld %s", c->name, rc, errno_name(rc));
		goto out;
	}
	if (c->how == REMOVE) {
		/* Gone or not yet: the old page's word, or a #PF at W. */
		bool ok = try_read((unsigned long)w, &v0);

		if (ok && v0 != VAL_A)
			test_fail("%s: vCPU 0 read %lx through the removed W", c->name,
				  (unsigned long)v0);
		else if (!ok && (last_trap.vector != X86_EXC_PF ||
				 last_trap.cr2 != (unsigned long)w))
			test_fail("%s: reading the removed W: vector %u, cr2 %lx", c->name,
				  last_trap.vector, (unsigned long)last_trap.cr2);
		printk("  %s: vCPU 0 %s\n", c->name, ok ? "still reads the old page" : "faults");
		goto out;
	}
	v0 = w[0];
	v1 = v1_probe();
	judge(c, 0, v0, c->v0);
	judge(c, 1, v1, c->v1);
	printk("  %s: vCPU 0 reads %s, vCPU 1 reads %s\n", c->name, seen(v0), seen(v1));
out:
	/* W is not used again: whatever a TLB still holds of it, nobody looks. */
	v1_use(NULL, HOT_NONE);
}

#define V0	1UL
#define V1	2UL
static const struct flush_case flush_cases[] = {
	{ "uvm NONE", UVM, UVMF_NONE, 0, EITHER, EITHER },
	{ "uvm INVLPG|LOCAL", UVM, UVMF_INVLPG | UVMF_LOCAL, 0, NEW, EITHER },
	{ "uvm TLB_FLUSH|LOCAL", UVM, UVMF_TLB_FLUSH | UVMF_LOCAL, 0, NEW, EITHER },
	{ "uvm INVLPG|ALL", UVM, UVMF_INVLPG | UVMF_ALL, 0, NEW, NEW },
	{ "uvm TLB_FLUSH|ALL", UVM, UVMF_TLB_FLUSH | UVMF_ALL, 0, NEW, NEW },
	{ "uvm INVLPG|MULTI {1}", UVM, UVMF_INVLPG | UVMF_MULTI, V1, EITHER, NEW },
	{ "uvm TLB_FLUSH|MULTI {0}", UVM, UVMF_TLB_FLUSH | UVMF_MULTI, V0, NEW, EITHER },
	{ "uvm INVLPG|MULTI {0,1}", UVM, UVMF_INVLPG | UVMF_MULTI, V0 | V1, NEW, NEW },
	{ "uvm TLB_FLUSH|MULTI {1}", UVM, UVMF_TLB_FLUSH | UVMF_MULTI, V1, EITHER, NEW },
	{ "mmu_update", MMU, 0, 0, EITHER, EITHER },
	{ "ptwr store", PTWR, 0, 0, EITHER, EITHER },
	{ "mmu_update + TLB_FLUSH_LOCAL", MMU_EXT, MMUEXT_TLB_FLUSH_LOCAL, 0, NEW, EITHER },
	{ "mmu_update + TLB_FLUSH_MULTI {1}", MMU_EXT, MMUEXT_TLB_FLUSH_MULTI, V1, EITHER, NEW },
	{ "mmu_update + TLB_FLUSH_MULTI {0}", MMU_EXT, MMUEXT_TLB_FLUSH_MULTI, V0, NEW, EITHER },
	{ "mmu_update + TLB_FLUSH_ALL", MMU_EXT, MMUEXT_TLB_FLUSH_ALL, 0, NEW, NEW },
	{ "mmu_update + INVLPG_LOCAL", MMU_EXT, MMUEXT_INVLPG_LOCAL, 0, NEW, EITHER },
	{ "mmu_update + INVLPG_MULTI {1}", MMU_EXT, MMUEXT_INVLPG_MULTI, V1, EITHER, NEW },
	{ "mmu_update + INVLPG_MULTI {0,1}", MMU_EXT, MMUEXT_INVLPG_MULTI, V0 | V1, NEW, NEW },
	{ "mmu_update + INVLPG_ALL", MMU_EXT, MMUEXT_INVLPG_ALL, 0, NEW, NEW },
	{ "mmu_update + NEW_BASEPTR", MMU_EXT, MMUEXT_NEW_BASEPTR, 0, NEW, EITHER },
	{ "uvm remove, NONE", REMOVE, UVMF_NONE, 0, EITHER, EITHER },
};

/* run_cases() runs the flush cases in table order: each entry runs the next one. */
static unsigned int next_flush;

static void test_next_flush(void)
{
	run_flush(&flush_cases[next_flush++]);
}

static const struct test_case retype_cases[] = {
	{ "retype pin: W -> decoy (uvm NONE), pin W's old frame as an L1", test_retype_pin },
	{ "retype hook: W -> decoy (mmu_update), hook W's old frame into an L3 as an L2",
	  test_retype_hook },
	{ "retype ptwr: W -> decoy (trapped store), pin W's old frame as an L1",
	  test_retype_ptwr },
	{ "retype self: vCPU 0's own stale entry, pinned as an L1, then a store and a copy-out through it",
	  test_retype_self },
	{ "retype L1 dies: the L1 holding W's entry replaced, the frame pinned as an L1",
	  test_retype_l1_dies },
	{ "free decrease: W -> decoy, decrease_reservation, populate_physmap",
	  test_free_decrease },
	{ "free exchange: W -> decoy, XENMEM_exchange, populate_physmap", test_free_exchange },
	{ "lazy retype: vCPU 1 blocked (its CPU idles on its tables), W -> decoy, pin W's old frame as an L1",
	  test_lazy_retype },
	{ "lazy free: vCPU 1 blocked, W -> decoy, decrease_reservation, populate_physmap",
	  test_lazy_free },
	{ "lazy initialise: VCPUOP_initialise of the blocked vCPU 1 is -EEXIST, its root stays",
	  test_lazy_initialise },
};

void test_main(start_info_t *si)
{
	static struct test_case cases[ARRAY_SIZE(flush_cases) + ARRAY_SIZE(retype_cases)];
	unsigned int n = 0;
	long rc;

	for (unsigned int i = 0; i < ARRAY_SIZE(flush_cases); i++)
		cases[n++] = (struct test_case){ flush_cases[i].name, test_next_flush };
	for (unsigned int i = 0; i < ARRAY_SIZE(retype_cases); i++)
		cases[n++] = retype_cases[i];
	smp_guest_setup();
	p2m = (unsigned long *)si->mfn_list;
	l4_mfn = virt_to_mfn((const void *)si->pt_base);
	if (!map_shared_info(&rc))
		test_error("mapping shared_info: rc %ld %s", rc, errno_name(rc));
	{
		struct evtchn_bind_ipi bind = { .vcpu = 1 };

		if ((rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind)))
			test_error("EVTCHNOP_bind_ipi for vCPU 1: rc %ld %s", rc, errno_name(rc));
		v1_port = bind.port;
	}
	if ((rc = vcpu_start(1, vcpu1_main, 0, v1_stack + sizeof(v1_stack))))
		test_error("starting vCPU 1: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, n);
}
