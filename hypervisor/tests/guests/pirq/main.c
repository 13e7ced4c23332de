// SPDX-License-Identifier: GPL-2.0-only
/*
 * dom0's physical interrupts, end to end: the CMOS RTC's periodic
 * interrupt (ISA IRQ 8 = GSI 8, edge-triggered) is mapped
 * (PHYSDEVOP_map_pirq), set up (setup_gsi), bound to an event channel
 * (EVTCHNOP_bind_pirq) and must then mark that port pending when the RTC
 * fires; then every error path of those calls, irq_status_query, eoi,
 * alloc_irq_vector, apic_read (the IOAPIC's version register) and
 * unmap_pirq while bound.
 */
#include "lib.h"

const char test_title[] = "pirq: dom0 physical interrupts (RTC on GSI 8)";

#define GSI_RTC			8
#define GSI_COM1		4	/* the hypervisor's console line */
#define GSI_NONE		1000
#define IOAPIC_BASE		0xfec00000UL
#define IOAPIC_REG_VERSION	1
#define IOAPIC_VERSION_MASK	0xff
#define RTC_INDEX		0x70
#define RTC_DATA		0x71
#define RTC_NMI_OFF		0x80
#define RTC_REG_A		0x0a
#define RTC_REG_B		0x0b
#define RTC_REG_C		0x0c
#define RTC_RATE_64HZ		0x0a
#define RTC_B_PIE		0x40
#define WAIT_ROUNDS		20000000UL	/* an RTC tick is ~16 ms; TCG is slow */

static bool ref_xen;
static uint32_t port;

static void outb(uint8_t v, uint16_t p)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(p));
}

static uint8_t inb(uint16_t p)
{
	uint8_t v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(p));
	return v;
}

static uint8_t cmos_read(uint8_t reg)
{
	outb(RTC_NMI_OFF | reg, RTC_INDEX);
	return inb(RTC_DATA);
}

static void cmos_write(uint8_t reg, uint8_t v)
{
	outb(RTC_NMI_OFF | reg, RTC_INDEX);
	outb(v, RTC_DATA);
}

static long physdev(int cmd, void *arg)
{
	return HYPERVISOR_physdev_op(cmd, arg);
}

static long map_gsi(domid_t dom, int type, int gsi, int pirq, int *out)
{
	struct physdev_map_pirq m = { .domid = dom, .type = type, .index = gsi,
				      .pirq = pirq };
	long rc = physdev(PHYSDEVOP_map_pirq, &m);

	if (out)
		*out = m.pirq;
	return rc;
}

static bool pending(uint32_t p)
{
	return __atomic_load_n(&shared_info->evtchn_pending[p / 64], __ATOMIC_SEQ_CST) &
	       (1UL << (p % 64));
}

static void clear_pending(uint32_t p)
{
	__atomic_fetch_and(&shared_info->evtchn_pending[p / 64], ~(1UL << (p % 64)),
			   __ATOMIC_SEQ_CST);
}

static void test_rtc_interrupt(void)
{
	struct physdev_setup_gsi s = { .gsi = GSI_RTC, .triggering = 0, .polarity = 0 };
	struct physdev_irq_status_query q = { .irq = GSI_RTC };
	struct evtchn_bind_pirq b = { .pirq = GSI_RTC, .flags = 0 };
	struct evtchn_status st = { .dom = DOMID_SELF };
	struct physdev_set_iopl iopl = { .iopl = 1 };
	unsigned long i;
	long rc;
	int pirq = -2;

	/* As Linux asks: the PIRQ named after the GSI (-1 lets Xen pick another). */
	if (!check_rc("map_pirq GSI 8", map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, GSI_RTC,
						GSI_RTC, &pirq), 0))
		return;
	CHECK(pirq == GSI_RTC, "map_pirq GSI 8 gave pirq %d", pirq);
	rc = physdev(PHYSDEVOP_setup_gsi, &s);
	if (!(ref_xen && rc == -XEN_EEXIST))
		check_rc("setup_gsi 8 edge high", rc, 0);
	if (!check_rc("bind_pirq 8", HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), 0))
		return;
	port = b.port;
	/* Only the pending bit is looked at: no upcall. */
	__atomic_fetch_or(&shared_info->evtchn_mask[port / 64], 1UL << (port % 64),
			  __ATOMIC_SEQ_CST);
	st.port = port;
	if (check_rc("status of the pirq port",
		     HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0))
		CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == GSI_RTC,
		      "status %u pirq %u, want pirq 8", st.status, st.u.pirq);
	/* Ward masks only level-triggered lines until the EOI; Xen asks for one here. */
	if (check_rc("irq_status_query 8", physdev(PHYSDEVOP_irq_status_query, &q), 0) &&
	    !ref_xen)
		CHECK(!(q.flags & XENIRQSTAT_needs_eoi), "edge GSI 8 needs an EOI (%x)",
		      q.flags);

	/* Let the RTC tick: 64 Hz periodic interrupts. */
	check_rc("set_iopl(1)", physdev(PHYSDEVOP_set_iopl, &iopl), 0);
	clear_pending(port);
	cmos_read(RTC_REG_C);
	cmos_write(RTC_REG_A, (cmos_read(RTC_REG_A) & 0xf0) | RTC_RATE_64HZ);
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) | RTC_B_PIE);
	for (i = 0; i < WAIT_ROUNDS && !pending(port); i++)
		if (!(i % 1000))
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	CHECK(pending(port), "no RTC interrupt reached port %u", port);
	printk("  RTC interrupt seen after %lu rounds\n", i);
	/* A second one: the line was re-armed (register C read). */
	clear_pending(port);
	cmos_read(RTC_REG_C);
	for (i = 0; i < WAIT_ROUNDS && !pending(port); i++)
		if (!(i % 1000))
			HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
	CHECK(pending(port), "no second RTC interrupt");
	cmos_write(RTC_REG_B, cmos_read(RTC_REG_B) & ~RTC_B_PIE);
	cmos_read(RTC_REG_C);
	iopl.iopl = 0;
	physdev(PHYSDEVOP_set_iopl, &iopl);
}

static void test_pirq_errors(void)
{
	struct physdev_setup_gsi s = { .gsi = GSI_RTC };
	struct evtchn_bind_pirq b = { .pirq = GSI_RTC };
	struct physdev_unmap_pirq u = { .domid = DOMID_SELF, .pirq = GSI_RTC };
	struct physdev_eoi e = { .irq = GSI_NONE };
	struct physdev_irq_status_query q = { .irq = GSI_NONE };
	struct physdev_apic a = { .apic_physbase = IOAPIC_BASE, .reg = IOAPIC_REG_VERSION };
	struct physdev_irq irq = { .irq = GSI_RTC };
	struct evtchn_close c;
	static const int cmds[] = { PHYSDEVOP_map_pirq, PHYSDEVOP_unmap_pirq,
				    PHYSDEVOP_setup_gsi, PHYSDEVOP_irq_status_query,
				    PHYSDEVOP_eoi, PHYSDEVOP_apic_read,
				    PHYSDEVOP_alloc_irq_vector };

	check_rc("map_pirq of a GSI that does not exist",
		 map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, GSI_NONE, -1, NULL), -XEN_EINVAL);
	if (!ref_xen) {
		/* Xen has MSI, other domains' PIRQs and free PIRQ choice. */
		check_rc("map_pirq type 7", map_gsi(DOMID_SELF, 7, GSI_RTC, -1, NULL),
			 -XEN_EINVAL);
		check_rc("map_pirq for domain 5", map_gsi(5, MAP_PIRQ_TYPE_GSI, GSI_RTC, -1,
							  NULL), -XEN_EPERM);
		check_rc("map_pirq GSI 8 as pirq 9",
			 map_gsi(DOMID_SELF, MAP_PIRQ_TYPE_GSI, GSI_RTC, 9, NULL), -XEN_EINVAL);
	}
	/* setup_gsi: again, the hypervisor's line, nonsense modes. */
	check_rc("setup_gsi 8 again", physdev(PHYSDEVOP_setup_gsi, &s), -XEN_EEXIST);
	s.gsi = GSI_COM1;
	check_rc("setup_gsi 4 (COM1)", physdev(PHYSDEVOP_setup_gsi, &s), -XEN_EEXIST);
	/* Bound twice, unmapped while bound. */
	if (port) {
		check_rc("bind_pirq 8 twice",
			 HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b), -XEN_EEXIST);
		if (!ref_xen)
			check_rc("unmap_pirq 8 while bound",
				 physdev(PHYSDEVOP_unmap_pirq, &u), -XEN_EBUSY);
	}
	check_rc("irq_status_query of pirq 1000", physdev(PHYSDEVOP_irq_status_query, &q),
		 -XEN_EINVAL);
	check_rc("eoi of pirq 1000", physdev(PHYSDEVOP_eoi, &e), -XEN_EINVAL);
	if (check_rc("apic_read of the IOAPIC version", physdev(PHYSDEVOP_apic_read, &a), 0))
		CHECK((a.value & IOAPIC_VERSION_MASK) == 0x20,
		      "IOAPIC version register %x, QEMU's is 0x20", a.value);
	if (!ref_xen) {
		a.apic_physbase = IOAPIC_BASE + 0x1000;
		check_rc("apic_read of no IOAPIC", physdev(PHYSDEVOP_apic_read, &a),
			 -XEN_EINVAL);
		check_rc("alloc_irq_vector 8", physdev(PHYSDEVOP_alloc_irq_vector, &irq), 0);
		irq.irq = GSI_NONE;
		check_rc("alloc_irq_vector 1000", physdev(PHYSDEVOP_alloc_irq_vector, &irq),
			 -XEN_EINVAL);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(cmds); i++)
		check_rc("physdev_op from an unmapped pointer",
			 physdev(cmds[i], BAD_PTR_UNMAPPED), -XEN_EFAULT);
	b.pirq = GSI_NONE;
	check_rc("bind_pirq 1000", HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b),
		 -XEN_EINVAL);
	/* Close, then unmapping works and binding needs a new map first. */
	if (port) {
		c.port = port;
		check_rc("close the pirq port", HYPERVISOR_event_channel_op(EVTCHNOP_close, &c),
			 0);
		check_rc("unmap_pirq 8", physdev(PHYSDEVOP_unmap_pirq, &u), 0);
		if (!ref_xen) {
			b.pirq = GSI_RTC;
			check_rc("bind_pirq 8 after unmap",
				 HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b),
				 -XEN_EINVAL);
		}
	}
}

void test_main(start_info_t *si)
{
	static const struct test_case cases[] = {
		{ "RTC interrupt through a PIRQ", test_rtc_interrupt },
		{ "PIRQ error paths", test_pirq_errors },
	};
	long rc;

	(void)si;
	ref_xen = cmdline_has("ref=xen");
	if (!map_shared_info(&rc))
		test_abort("mapping shared_info: rc %ld %s", rc, errno_name(rc));
	shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
	rc = traps_install();
	if (rc)
		test_abort("set_trap_table: rc %ld %s", rc, errno_name(rc));
	run_cases(cases, ARRAY_SIZE(cases));
}
