// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_op bring-up (24): VCPUOP_initialise and its refusals, VCPUOP_up,
 * VCPUOP_down of oneself and of another vCPU, an event sent to the second
 * vCPU, and TLB flushes that must reach the other CPU. Booted as dom0 with
 * dom0_max_vcpus=2 on a two-CPU machine, so vCPU 1 really runs beside us,
 * and (guest-tests.sh's vcpu-up-1cpu) on one CPU, where the two take turns.
 *
 * vCPU 1 runs vcpu1_main() on its own stack and does what v1_cmd says; it
 * never prints and never takes a trap.
 *
 * Ward vs Xen (ref=xen): Ward refuses a context with an LDT (it has no
 * LDT support), and Ward flushes every CPU of the domain whenever a mapping
 * is taken away, even when the guest asked for no flush. Xen defers that
 * flush until the frame is reused, so the two checks are Ward-only.
 */
#include "vcpu-up.h"

const char test_title[] = "vcpu-up: VCPUOP_initialise/up/down on a second vCPU";

#define V1_STACK_SIZE	16384
#define V1_MAGIC	0x5eed0001cafef00dUL
#define P_MAGIC		0x1111111111111111UL
#define Q_MAGIC		0x2222222222222222UL
#define W_MAGIC		0x3333333333333333UL
/* How long we wait for vCPU 1 to do something, and how long "stopped" must hold. */
#define WAIT_NS		(5ULL * 1000 * 1000 * 1000)
#define STILL_NS	(20ULL * 1000 * 1000)

static uint8_t v1_stack[V1_STACK_SIZE] __aligned(16);
static vcpu_guest_context_t ctx;
static uint8_t data_page[PAGE_SIZE] __page_aligned;
static uint8_t page_p[PAGE_SIZE] __page_aligned;
static uint8_t page_q[PAGE_SIZE] __page_aligned;
static uint8_t window[PAGE_SIZE] __page_aligned;

volatile unsigned long v1_cmd;
static volatile unsigned long v1_seq, v1_seen, v1_started, v1_arg, v1_resumed;
static volatile uint64_t v1_clock;
static volatile long v1_poll_rc;
static volatile bool v1_pending;
static evtchn_port_t ipi_port;
bool ref_xen;

static void vcpu1_main(unsigned long magic);

/* The FS selectors the two vCPUs hold while they take turns on the CPUs. */
#define V1_FS		FLAT_RING3_SS64	/* a flat ring-3 data segment */
#define V0_FS		0
#define SELECTOR_ROUNDS	200
static volatile unsigned long v1_selector_errors;

static unsigned int read_fs(void)
{
	unsigned int sel;

	asm volatile("mov %%fs, %0" : "=r"(sel));
	return sel & 0xffff;
}

/*
 * Load @sel into FS and yield SELECTOR_ROUNDS times: with both vCPUs on
 * one CPU, each yield switches to the other one, which holds another
 * value. The number of rounds FS came back as something else.
 */
static unsigned long selector_rounds(unsigned int sel)
{
	unsigned long errors = 0;

	asm volatile("mov %0, %%fs" :: "r"(sel));
	for (unsigned int i = 0; i < SELECTOR_ROUNDS; i++) {
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
		errors += read_fs() != sel;
	}
	asm volatile("mov %0, %%fs" :: "r"(0));
	return errors;
}

static void vcpu1_main(unsigned long magic)
{
	v1_arg = magic;
	v1_clock = pvclock_ns(&shared_info->vcpu_info[1].time);
	v1_started = 1;
	for (;;) {
		switch (v1_cmd) {
		case CMD_READ:
			v1_seen = *(volatile unsigned long *)window;
			break;
		case CMD_POLL: {
			struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };
			unsigned long bit = 1UL << (ipi_port % 64);

			set_xen_guest_handle(poll.ports, &ipi_port);
			v1_poll_rc = HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
			v1_pending = __atomic_fetch_and(&shared_info->evtchn_pending[ipi_port / 64],
							~bit, __ATOMIC_SEQ_CST) & bit;
			v1_cmd = CMD_NONE;
			break;
		}
		case CMD_SELECTORS:
			v1_selector_errors = selector_rounds(V1_FS);
			v1_cmd = CMD_NONE;
			break;
		case CMD_GDT_SWAP:
			gdt_swap_rounds();
			v1_cmd = CMD_NONE;
			break;
		case CMD_DOWN:
			v1_cmd = CMD_NONE;
			HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL);
			v1_resumed++;
			break;
		default:
			break;
		}
		__atomic_add_fetch(&v1_seq, 1, __ATOMIC_SEQ_CST);
	}
}

uint64_t now(void)
{
	return pvclock_ns(&shared_info->vcpu_info[0].time);
}

/* Wait (yielding) until *p == want; false after WAIT_NS. */
bool wait_for(volatile unsigned long *p, unsigned long want)
{
	uint64_t end = now() + WAIT_NS;

	while (*p != want) {
		if (now() > end)
			return false;
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return true;
}

/* Wait until vCPU 1 has gone round its loop twice more: a whole pass began after now. */
static bool wait_passes(void)
{
	unsigned long target = v1_seq + 2;
	uint64_t end = now() + WAIT_NS;

	while ((long)(v1_seq - target) < 0) {
		if (now() > end)
			return false;
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return true;
}

static bool wait_is_up(unsigned int vcpu, long want)
{
	uint64_t end = now() + WAIT_NS;

	while (HYPERVISOR_vcpu_op(VCPUOP_is_up, vcpu, NULL) != want) {
		if (now() > end)
			return false;
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	}
	return true;
}

uint64_t pte_for(const void *page)
{
	return ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_RW |
	       _PAGE_ACCESSED | _PAGE_DIRTY;
}

/* A context that brings vCPU 1 up in vcpu1_main on our page tables. */
static void good_context(void)
{
	vcpu_context(&ctx, vcpu1_main, V1_MAGIC, v1_stack + sizeof(v1_stack));
}

/* A refused initialise: exactly @want on Ward; any error on Xen where noted. */
static void refused(const char *what, long want, bool any_error_on_xen)
{
	long rc = HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx);

	if (ref_xen && any_error_on_xen)
		CHECK(rc < 0, "VCPUOP_initialise(%s): rc %ld, want an error", what, rc);
	else
		check_rc(what, rc, want);
}

static void test_is_up(void)
{
	check_rc("is_up(0)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
	check_rc("is_up(1)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	check_rc("is_up(2)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 2, NULL), -XEN_ENOENT);
	check_rc("is_up(4096)", HYPERVISOR_vcpu_op(VCPUOP_is_up, 4096, NULL), -XEN_ENOENT);
}

static void test_refusals(void)
{
	check_rc("up(1) before initialise", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL),
		 -XEN_EINVAL);
	good_context();
	check_rc("initialise(0): already running",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, &ctx), -XEN_EEXIST);
	check_rc("initialise(2): no such vCPU",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 2, &ctx), -XEN_ENOENT);
	check_rc("initialise(1, unmapped context)",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, BAD_PTR_UNMAPPED), -XEN_EFAULT);
	check_rc("initialise(1, non-canonical context)",
		 HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, BAD_PTR_NONCANONICAL), -XEN_EFAULT);

	good_context();
	ctx.user_regs.rip = NONCANONICAL_ADDR;
	refused("non-canonical RIP", -XEN_EINVAL, false);
	good_context();
	ctx.kernel_sp = NONCANONICAL_ADDR;
	refused("non-canonical kernel_sp", -XEN_EINVAL, false);
	good_context();
	ctx.event_callback_eip = NONCANONICAL_ADDR;
	refused("non-canonical event callback", -XEN_EINVAL, false);
	good_context();
	ctx.gdt_ents = FIRST_RESERVED_GDT_ENTRY + 1;
	refused("gdt_ents past the reserved entries", -XEN_EINVAL, false);
	/* A frame we map writable cannot be a page-table root. */
	good_context();
	ctx.ctrlreg[3] = virt_to_mfn(data_page) << PAGE_SHIFT;
	refused("a writable data page as CR3", -XEN_EINVAL, true);
	/* A good root, then a GDT frame not ours: nothing may stay taken. */
	good_context();
	ctx.gdt_frames[0] = 0;
	ctx.gdt_ents = 1;
	refused("a GDT frame we do not own", -XEN_EINVAL, true);
	if (!ref_xen) {
		good_context();
		ctx.ldt_ents = 1;
		ctx.ldt_base = (unsigned long)data_page;
		refused("an LDT", -XEN_EINVAL, false);
	}
	check_rc("is_up(1) after the refusals", HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
}

static void test_start(void)
{
	good_context();
	if (!check_rc("initialise(1)", HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx), 0))
		test_abort("vCPU 1 cannot be initialised: nothing else can run");
	check_rc("initialise(1) again", HYPERVISOR_vcpu_op(VCPUOP_initialise, 1, &ctx),
		 -XEN_EEXIST);
	check_rc("is_up(1) before up", HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 0);
	CHECK(!v1_started, "vCPU 1 ran before VCPUOP_up");
	check_rc("up(1)", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
	if (!wait_for(&v1_started, 1))
		test_abort("vCPU 1 did not start within 5 s");
	CHECK(v1_arg == V1_MAGIC, "vCPU 1 got RDI 0x%lx, want 0x%lx", v1_arg, V1_MAGIC);
	{
		uint64_t t = now();

		/* The two clocks agree to well within STILL_NS either way. */
		int64_t behind = (int64_t)(t - v1_clock);

		CHECK(v1_clock && behind > -(int64_t)STILL_NS && behind < (int64_t)WAIT_NS,
		      "vCPU 1's clock read %lu ns, vCPU 0's %lu ns", (unsigned long)v1_clock,
		      (unsigned long)t);
	}
	check_rc("is_up(1) after up", HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), 1);
	check_rc("up(1) while up", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
	CHECK(wait_passes(), "vCPU 1 does not run its loop");
}

static void test_event(void)
{
	struct evtchn_bind_ipi bind = { .vcpu = 1 };

	if (!check_rc("bind_ipi(vcpu 1)", HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind), 0))
		return;
	ipi_port = bind.port;
	v1_poll_rc = -1;
	v1_pending = false;
	v1_cmd = CMD_POLL;
	check_rc("send to vCPU 1", HYPERVISOR_event_channel_op(EVTCHNOP_send,
				&(struct evtchn_send){ ipi_port }), 0);
	if (!wait_for(&v1_cmd, CMD_NONE)) {
		test_fail("vCPU 1's SCHEDOP_poll did not return within 5 s of the event");
		return;
	}
	check_rc("vCPU 1's SCHEDOP_poll", v1_poll_rc, 0);
	CHECK(v1_pending, "vCPU 1 did not find its port pending");
	HYPERVISOR_event_channel_op(EVTCHNOP_close, &(struct evtchn_close){ ipi_port });
}

/* Point our window page at @page with @flags and check what vCPU 1 reads through it. */
static void remap_and_check(const char *what, const void *page, unsigned long flags,
			    unsigned long want)
{
	long rc = HYPERVISOR_update_va_mapping((unsigned long)window, pte_for(page), flags);

	if (!check_rc(what, rc, 0))
		return;
	CHECK(*(volatile unsigned long *)window == want, "%s: we read 0x%lx, want 0x%lx", what,
	      *(volatile unsigned long *)window, want);
	if (!wait_passes()) {
		test_fail("%s: vCPU 1 stopped", what);
		return;
	}
	CHECK(v1_seen == want, "%s: vCPU 1 reads 0x%lx through a stale TLB entry, want 0x%lx",
	      what, v1_seen, want);
}

static void test_tlb(void)
{
	unsigned long good_mask = 3;
	long rc;
	struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };

	*(unsigned long *)page_p = P_MAGIC;
	*(unsigned long *)page_q = Q_MAGIC;
	*(unsigned long *)window = W_MAGIC;
	v1_cmd = CMD_READ;
	remap_and_check("window -> P, UVMF_ALL", page_p, UVMF_INVLPG | UVMF_ALL, P_MAGIC);
	remap_and_check("window -> Q, UVMF_ALL", page_q, UVMF_INVLPG | UVMF_ALL, Q_MAGIC);
	remap_and_check("window -> P, UVMF_MULTI", page_p,
			UVMF_INVLPG | UVMF_MULTI | (unsigned long)&good_mask, P_MAGIC);
	/*
	 * A remap with no flush asked may leave vCPU 1 reading the old page:
	 * TLB maintenance is the guest's, on Ward as on Xen and on hardware.
	 * What stale entries may not do (reach a frame that changed type or
	 * owner) is the tlb-race guest's to check.
	 */
	remap_and_check("window back to its own page", window, UVMF_INVLPG | UVMF_ALL, W_MAGIC);

	op.arg2.vcpumask.p = &good_mask;
	rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
	check_rc("TLB_FLUSH_MULTI", rc, 0);
	op.cmd = MMUEXT_INVLPG_MULTI;
	op.arg1.linear_addr = (unsigned long)window;
	check_rc("INVLPG_MULTI", HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	op.cmd = MMUEXT_TLB_FLUSH_ALL;
	check_rc("TLB_FLUSH_ALL", HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
	v1_cmd = CMD_NONE;
}

/* Each vCPU keeps its own data selectors across switches (one CPU or two). */
static void test_selectors(void)
{
	unsigned long mine;

	v1_selector_errors = ~0UL;
	v1_cmd = CMD_SELECTORS;
	mine = selector_rounds(V0_FS);
	if (!wait_for(&v1_cmd, CMD_NONE)) {
		test_fail("vCPU 1 did not finish its selector rounds");
		return;
	}
	CHECK(mine == 0, "vCPU 0 found FS changed in %lu of %u rounds", mine, SELECTOR_ROUNDS);
	CHECK(v1_selector_errors == 0, "vCPU 1 found FS changed in %lu of %u rounds",
	      v1_selector_errors, SELECTOR_ROUNDS);
}

static void test_down_up(void)
{
	unsigned long resumed = v1_resumed, seq;
	uint64_t end;

	/* vCPU 1 downs itself; up resumes it after its hypercall. */
	v1_cmd = CMD_DOWN;
	if (!wait_is_up(1, 0)) {
		test_fail("vCPU 1 still up 5 s after its VCPUOP_down");
		return;
	}
	CHECK(v1_resumed == resumed, "vCPU 1 went on after VCPUOP_down");
	check_rc("up(1) after its down", HYPERVISOR_vcpu_op(VCPUOP_up, 1, NULL), 0);
	CHECK(wait_for(&v1_resumed, resumed + 1), "vCPU 1 did not resume after up");

	/* We down vCPU 1 while it runs on the other CPU: it must stop. */
	v1_cmd = CMD_READ;
	CHECK(wait_passes(), "vCPU 1 does not run after up");
	check_rc("down(1) from vCPU 0", HYPERVISOR_vcpu_op(VCPUOP_down, 1, NULL), 0);
	CHECK(wait_is_up(1, 0), "is_up(1) not 0 after down(1)");
	/* It may finish the pass it was in; after that nothing moves. */
	end = now() + STILL_NS;
	while (now() < end)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	seq = v1_seq;
	end = now() + STILL_NS;
	while (now() < end)
		HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	CHECK(v1_seq == seq, "vCPU 1 still runs after down(1): %lu passes", v1_seq - seq);
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "VCPUOP_is_up", test_is_up },
		{ "VCPUOP_initialise refusals", test_refusals },
		{ "VCPUOP_initialise and up", test_start },
		{ "an event to vCPU 1", test_event },
		{ "TLB flushes reach vCPU 1", test_tlb },
		{ "data selectors stay with their vCPU", test_selectors },
		{ "set_gdt and update_descriptor on a live GDT", test_set_gdt },
		{ "xsa: update_descriptor while the other vCPU replaces its GDT", test_gdt_race },
		{ "VCPUOP_down and up again", test_down_up },
		{ "xsa: a registered vcpu_info frame stays plain memory", test_vcpu_info_frame },
	};
	long rc;

	(void)si;
	ref_xen = cmdline_has("ref=xen");
	if (HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL) < 0)
		test_skip("dom0 has one vCPU (boot with dom0_max_vcpus=2)");
	if (!map_shared_info(&rc))
		test_error("map_shared_info: rc %ld", rc);
	if (traps_install())
		test_error("set_trap_table failed");
	run_cases(cases, ARRAY_SIZE(cases));
}
