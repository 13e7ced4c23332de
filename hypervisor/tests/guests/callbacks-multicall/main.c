// SPDX-License-Identifier: GPL-2.0-only
/*
 * callback_op (30), set_callbacks (4) and multicall (13). Registration is
 * checked by its effect where a single guest can see one: an event sent to
 * ourselves must arrive at the registered event callback (needs event
 * channels; skipped alone if EVTCHNOP_bind_ipi is -ENOSYS).
 *
 * Error choices, all as Xen 4.17 behaves (public/callback.h documents the
 * unregister one): unknown callback type -> -ENOSYS; non-canonical address
 * -> -EINVAL; unregistering anything but the NMI callback -> -EINVAL. A
 * multicall entry that is itself a multicall gets -EINVAL and its list is
 * not run.
 */
#include "lib.h"

const char test_title[] = "callbacks-multicall: callback_op, set_callbacks, multicall";

static const struct {
	uint16_t type;
	const char *name;
} types[] = {
	{ CALLBACKTYPE_event, "event" },
	{ CALLBACKTYPE_failsafe, "failsafe" },
	{ CALLBACKTYPE_syscall, "syscall" },
	{ CALLBACKTYPE_syscall32, "syscall32" },
	{ CALLBACKTYPE_sysenter, "sysenter" },
	{ CALLBACKTYPE_nmi, "nmi" },
};

static long cb_register(uint16_t type, uint16_t flags, unsigned long address)
{
	struct callback_register cb = {
		.type = type, .flags = flags, .address = address,
	};

	return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static long cb_unregister(uint16_t type)
{
	struct callback_unregister cb = { .type = type };

	return HYPERVISOR_callback_op(CALLBACKOP_unregister, &cb);
}

/* Entry points that report an ERROR if they are ever entered. */
static unsigned long entry_for(uint16_t type)
{
	switch (type) {
	case CALLBACKTYPE_event:
		return (unsigned long)event_callback_entry;
	case CALLBACKTYPE_failsafe:
		return (unsigned long)failsafe_callback_entry;
	case CALLBACKTYPE_nmi:
		return (unsigned long)nmi_callback_entry;
	default:
		return (unsigned long)syscall_callback_entry;
	}
}

static void test_register(void)
{
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(what, sizeof(what), "register %s", types[i].name);
		check_rc(what, cb_register(types[i].type, CALLBACKF_mask_events,
					   entry_for(types[i].type)), 0);
		snprintf(what, sizeof(what), "register %s without mask_events",
			 types[i].name);
		check_rc(what, cb_register(types[i].type, 0,
					   entry_for(types[i].type)), 0);
	}
}

static void test_register_errors(void)
{
	static const uint16_t bad_types[] = {
		CALLBACKTYPE_sysenter_deprecated, 6, 8, 0xffff,
	};
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_types); i++) {
		snprintf(what, sizeof(what), "register type %u", bad_types[i]);
		check_rc(what, cb_register(bad_types[i], 0,
					   entry_for(CALLBACKTYPE_event)),
			 -XEN_ENOSYS);
	}
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(what, sizeof(what), "register %s at a non-canonical address",
			 types[i].name);
		check_rc(what, cb_register(types[i].type, 0, NONCANONICAL_ADDR),
			 -XEN_EINVAL);
	}
	check_rc("callback_op cmd 2",
		 HYPERVISOR_callback_op(2, &(struct callback_unregister){ 0 }),
		 -XEN_ENOSYS);
	check_rc("callback_op(register) from an unmapped pointer",
		 HYPERVISOR_callback_op(CALLBACKOP_register, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	check_rc("callback_op(register) from the hypervisor range",
		 HYPERVISOR_callback_op(CALLBACKOP_register, BAD_PTR_HYPERVISOR),
		 -XEN_EFAULT);
	check_rc("callback_op(unregister) from a non-canonical pointer",
		 HYPERVISOR_callback_op(CALLBACKOP_unregister,
					BAD_PTR_NONCANONICAL),
		 -XEN_EFAULT);
}

static void test_unregister(void)
{
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		snprintf(what, sizeof(what), "unregister %s", types[i].name);
		check_rc(what, cb_unregister(types[i].type),
			 types[i].type == CALLBACKTYPE_nmi ? 0 : -XEN_EINVAL);
	}
	check_rc("unregister type 6", cb_unregister(6), -XEN_ENOSYS);
	/* Leave everything registered for the cases that follow. */
	check_rc("register nmi again",
		 cb_register(CALLBACKTYPE_nmi, 0,
			     entry_for(CALLBACKTYPE_nmi)), 0);
}

static void test_set_callbacks(void)
{
	check_rc("set_callbacks",
		 HYPERVISOR_set_callbacks(entry_for(CALLBACKTYPE_event),
					  entry_for(CALLBACKTYPE_failsafe),
					  entry_for(CALLBACKTYPE_syscall)), 0);
}

/* Event delivery: which entry the upcall used, and its frame. */
static unsigned int nr_upcalls, upcall_vector;
static uint64_t upcall_cs, upcall_rflags;
static evtchn_port_t ipi_port;

static void upcall_hook(struct trap_frame *f)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];

	nr_upcalls++;
	upcall_vector = f->vector & ~TRAP_HAS_EC;
	upcall_cs = f->cs;
	upcall_rflags = f->rflags;
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	shared_info->evtchn_pending[ipi_port / 64] &= ~(1UL << (ipi_port % 64));
}

/* Send ipi_port to ourselves, unmask, force delivery; 0 or an rc. */
static long send_and_deliver(void)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];
	struct evtchn_send send = { .port = ipi_port };
	long rc;

	nr_upcalls = 0;
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
	if (rc)
		return rc;
	CHECK(vi->evtchn_upcall_pending, "send: upcall_pending not set");
	CHECK(nr_upcalls == 0, "upcall delivered while events were masked");
	vi->evtchn_upcall_mask = 0;
	/* Any hypercall returns through the pending-event check (3.2). */
	HYPERVISOR_xen_version(XENVER_version, NULL);
	vi->evtchn_upcall_mask = 1;
	return 0;
}

static void test_event_delivery(void)
{
	struct evtchn_bind_ipi bind = { .vcpu = 0 };
	struct evtchn_close close;
	long rc;

	if (!map_shared_info(&rc)) {
		test_fail("update_va_mapping(shared_info): rc %ld %s", rc,
			  errno_name(rc));
		return;
	}
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind);
	if (rc == -XEN_ENOSYS) {
		case_skip("EVTCHNOP_bind_ipi is -ENOSYS (events come later)");
		return;
	}
	if (!check_rc("EVTCHNOP_bind_ipi", rc, 0))
		return;
	ipi_port = bind.port;
	shared_info->evtchn_mask[ipi_port / 64] &= ~(1UL << (ipi_port % 64));
	callback_hook = upcall_hook;

	check_rc("register event callback",
		 cb_register(CALLBACKTYPE_event, 0,
			     entry_for(CALLBACKTYPE_event)), 0);
	if (check_rc("EVTCHNOP_send", send_and_deliver(), 0)) {
		CHECK(nr_upcalls == 1 && upcall_vector == VEC_EVENT,
		      "callback_op event: %u upcalls, entry 0x%x", nr_upcalls,
		      upcall_vector);
		/* Interrupted with events unmasked: mask 0 saved, IF set. */
		CHECK(((upcall_cs >> 32) & 0xff) == 0 &&
		      (upcall_rflags & X86_EFLAGS_IF),
		      "upcall frame CS %lx RFLAGS %lx", upcall_cs, upcall_rflags);
	}

	/* set_callbacks moves the event callback to another entry point. */
	check_rc("set_callbacks", HYPERVISOR_set_callbacks(
			 entry_for(CALLBACKTYPE_nmi),
			 entry_for(CALLBACKTYPE_failsafe),
			 entry_for(CALLBACKTYPE_syscall)), 0);
	if (check_rc("EVTCHNOP_send", send_and_deliver(), 0))
		CHECK(nr_upcalls == 1 && upcall_vector == VEC_NMI_CB,
		      "set_callbacks event: %u upcalls, entry 0x%x", nr_upcalls,
		      upcall_vector);

	cb_register(CALLBACKTYPE_event, 0, entry_for(CALLBACKTYPE_event));
	close.port = ipi_port;
	check_rc("EVTCHNOP_close", HYPERVISOR_event_channel_op(EVTCHNOP_close,
							       &close), 0);
	callback_hook = NULL;
}

static void mc_entry(multicall_entry_t *e, unsigned long op, unsigned long a0,
		     unsigned long a1, unsigned long a2)
{
	*e = (multicall_entry_t){
		.op = op, .result = 0x5a5a5a5a, .args = { a0, a1, a2 },
	};
}

static void test_multicall_mixed(void)
{
	static const char line[] = "callbacks-multicall: console_io from a multicall\n";
	long version = HYPERVISOR_xen_version(XENVER_version, NULL);
	multicall_entry_t mc[5];

	mc_entry(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
	mc_entry(&mc[1], __HYPERVISOR_console_io, CONSOLEIO_write,
		 sizeof(line) - 1, (unsigned long)line);
	mc_entry(&mc[2], 1000, 0, 0, 0);
	mc_entry(&mc[3], __HYPERVISOR_console_io, CONSOLEIO_write, 16,
		 (unsigned long)BAD_PTR_UNMAPPED);
	mc_entry(&mc[4], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
	if (!check_rc("multicall of 5", HYPERVISOR_multicall(mc, 5), 0))
		return;
	check_rc("entry 0 xen_version", (long)mc[0].result, version);
	check_rc("entry 1 console_io", (long)mc[1].result, 0);
	check_rc("entry 2 op 1000", (long)mc[2].result, -XEN_ENOSYS);
	check_rc("entry 3 console_io from a bad pointer", (long)mc[3].result,
		 -XEN_EFAULT);
	check_rc("entry 4 after the failures", (long)mc[4].result, PAGE_SIZE);
}

static void test_multicall_edges(void)
{
	multicall_entry_t mc[1];

	check_rc("multicall of 0", HYPERVISOR_multicall(mc, 0), 0);
	check_rc("multicall of 0 at NULL", HYPERVISOR_multicall(NULL, 0), 0);
	check_rc("multicall from an unmapped list",
		 HYPERVISOR_multicall(BAD_PTR_UNMAPPED, 1), -XEN_EFAULT);
	check_rc("multicall from a non-canonical list",
		 HYPERVISOR_multicall(BAD_PTR_NONCANONICAL, 1), -XEN_EFAULT);
	check_rc("multicall from the hypervisor range",
		 HYPERVISOR_multicall(BAD_PTR_HYPERVISOR, 1), -XEN_EFAULT);
}

static void test_multicall_nested(void)
{
	multicall_entry_t outer[2], inner[1];

	mc_entry(&inner[0], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
	mc_entry(&outer[0], __HYPERVISOR_multicall, (unsigned long)inner, 1, 0);
	mc_entry(&outer[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
	if (!check_rc("multicall containing a multicall",
		      HYPERVISOR_multicall(outer, 2), 0))
		return;
	check_rc("nested multicall entry", (long)outer[0].result, -XEN_EINVAL);
	CHECK(inner[0].result == 0x5a5a5a5a,
	      "the nested list ran: its entry result is %ld",
	      (long)inner[0].result);
	check_rc("entry after the nested one", (long)outer[1].result,
		 PAGE_SIZE);
}

static void test_multicall_large(void)
{
	static multicall_entry_t mc[100];
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(mc); i++)
		mc_entry(&mc[i], __HYPERVISOR_xen_version,
			 i % 2 ? XENVER_pagesize : XENVER_version, 0, 0);
	if (!check_rc("multicall of 100", HYPERVISOR_multicall(mc, 100), 0))
		return;
	for (i = 0; i < ARRAY_SIZE(mc); i++) {
		long want = i % 2 ? (long)PAGE_SIZE :
			    HYPERVISOR_xen_version(XENVER_version, NULL);

		if ((long)mc[i].result != want && !bad++)
			test_fail("multicall of 100: entry %u result %ld, expected %ld",
				  i, (long)mc[i].result, want);
	}
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "register every callback type", test_register },
		{ "register errors", test_register_errors },
		{ "unregister", test_unregister },
		{ "set_callbacks", test_set_callbacks },
		{ "event callback delivery", test_event_delivery },
		{ "multicall, mixed entries", test_multicall_mixed },
		{ "multicall edges and bad lists", test_multicall_edges },
		{ "nested multicall", test_multicall_nested },
		{ "multicall of 100 entries", test_multicall_large },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}
