// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched_op (29): yield, block with an event pending, the errors of
 * SCHEDOP_shutdown and unknown commands; the final poweroff is the
 * report's own SCHEDOP_shutdown. shutdown-reboot and shutdown-crash cover
 * the other reasons, since each ends its guest.
 *
 * Ward is stricter than Xen here: public/sched.h makes SHUTDOWN_MAX (5)
 * the largest valid reason, and Ward refuses larger ones with -EINVAL,
 * while Xen truncates the reason to 8 bits and, for dom0, reboots the
 * machine on one it does not know. That case therefore runs last, and is
 * skipped against the reference Xen (ref=xen on the guest command line).
 */
#include "lib.h"

const char test_title[] = "sched-shutdown: sched_op";

static void test_yield(void)
{
	int i;

	for (i = 0; i < 3; i++)
		check_rc("SCHEDOP_yield", HYPERVISOR_sched_op(SCHEDOP_yield,
							      NULL), 0);
}

static unsigned int nr_upcalls;
static evtchn_port_t port;

static void upcall_hook(struct trap_frame *f)
{
	volatile struct vcpu_info *vi = &shared_info->vcpu_info[0];

	if ((f->vector & ~TRAP_HAS_EC) != VEC_EVENT)
		test_error("unexpected callback 0x%lx", f->vector);
	nr_upcalls++;
	vi->evtchn_upcall_pending = 0;
	vi->evtchn_pending_sel = 0;
	shared_info->evtchn_pending[port / 64] &= ~(1UL << (port % 64));
}

/*
 * SCHEDOP_block unmasks events and sleeps until one is pending; with one
 * pending already it returns at once and the upcall is delivered.
 */
static void test_block(void)
{
	volatile struct vcpu_info *vi;
	struct evtchn_bind_ipi bind = { .vcpu = 0 };
	struct callback_register cb = {
		.type = CALLBACKTYPE_event,
		.address = (unsigned long)event_callback_entry,
	};
	long rc;

	if (!map_shared_info(&rc)) {
		test_fail("update_va_mapping(shared_info): rc %ld %s", rc,
			  errno_name(rc));
		return;
	}
	vi = &shared_info->vcpu_info[0];
	rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bind);
	if (rc == -XEN_ENOSYS) {
		case_skip("EVTCHNOP_bind_ipi is -ENOSYS (events come later)");
		return;
	}
	if (!check_rc("EVTCHNOP_bind_ipi", rc, 0) ||
	    !check_rc("register event callback",
		      HYPERVISOR_callback_op(CALLBACKOP_register, &cb), 0))
		return;
	port = bind.port;
	shared_info->evtchn_mask[port / 64] &= ~(1UL << (port % 64));
	callback_hook = upcall_hook;
	if (!check_rc("EVTCHNOP_send", HYPERVISOR_event_channel_op(
			      EVTCHNOP_send, &(struct evtchn_send){ port }), 0))
		return;
	CHECK(vi->evtchn_upcall_mask == 1 && nr_upcalls == 0,
	      "event delivered while masked");
	check_rc("SCHEDOP_block", HYPERVISOR_sched_op(SCHEDOP_block, NULL), 0);
	CHECK(nr_upcalls == 1, "%u upcalls after SCHEDOP_block", nr_upcalls);
	CHECK(vi->evtchn_upcall_mask == 0,
	      "SCHEDOP_block left evtchn_upcall_mask at %u",
	      vi->evtchn_upcall_mask);
	vi->evtchn_upcall_mask = 1;
	callback_hook = NULL;
	HYPERVISOR_event_channel_op(EVTCHNOP_close,
				    &(struct evtchn_close){ port });
}

static void test_bad_cmds(void)
{
	struct sched_shutdown arg = { .reason = SHUTDOWN_poweroff };

	check_rc("sched_op cmd 100", HYPERVISOR_sched_op(100, &arg),
		 -XEN_ENOSYS);
	check_rc("sched_op cmd 0x7fffffff",
		 HYPERVISOR_sched_op(0x7fffffff, &arg), -XEN_ENOSYS);
	check_rc("sched_op cmd -1", HYPERVISOR_sched_op(-1, &arg),
		 -XEN_ENOSYS);
}

static void test_shutdown_bad_pointers(void)
{
	check_rc("SCHEDOP_shutdown from an unmapped pointer",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown, BAD_PTR_UNMAPPED),
		 -XEN_EFAULT);
	check_rc("SCHEDOP_shutdown from a non-canonical pointer",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown, BAD_PTR_NONCANONICAL),
		 -XEN_EFAULT);
	check_rc("SCHEDOP_shutdown from the hypervisor range",
		 HYPERVISOR_sched_op(SCHEDOP_shutdown, BAD_PTR_HYPERVISOR),
		 -XEN_EFAULT);
}

static void test_shutdown_bad_reason(void)
{
	static const unsigned int reasons[] = {
		SHUTDOWN_MAX + 1, 255, 256, 0xffffffff,
	};
	char what[64];
	size_t i;

	if (cmdline_has("ref=xen")) {
		case_skip("Xen reboots dom0 on an unknown shutdown reason");
		return;
	}
	for (i = 0; i < ARRAY_SIZE(reasons); i++) {
		struct sched_shutdown arg = { .reason = reasons[i] };

		snprintf(what, sizeof(what), "SCHEDOP_shutdown reason %u",
			 reasons[i]);
		check_rc(what, HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg),
			 -XEN_EINVAL);
	}
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "SCHEDOP_yield", test_yield },
		{ "SCHEDOP_block with an event pending", test_block },
		{ "unknown commands", test_bad_cmds },
		{ "SCHEDOP_shutdown from bad pointers", test_shutdown_bad_pointers },
		/* Last: a hypervisor that accepts these ends the run here. */
		{ "SCHEDOP_shutdown with unknown reasons", test_shutdown_bad_reason },
	};
	long rc = traps_install();

	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}
