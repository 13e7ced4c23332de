// SPDX-License-Identifier: GPL-2.0-only
/*
 * common/event-2l.c: the 2-level pending/mask bitmaps and the selector and
 * upcall flags, on a real struct shared_info (plain memory, as the guest
 * sees it). Each case plays the guest by writing the bitmaps directly.
 * A model-checked random run and a two-thread run (hypervisor raising
 * while the "guest" handles upcalls) check that no event is ever lost.
 */
// sources: common/event-2l.c
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <hv/bug.h>
#include <hv/event.h>

static struct shared_info s;
static struct shared_info before;

static int setup(void **state)
{
	memset(&s, 0, sizeof(s));
	return 0;
}

#define VI(v)		(&s.vcpu_info[v])
#define WORD(p)		((p) / 64)
#define BIT(p)		(1UL << ((p) % 64))

static void guest_mask(evtchn_port_t p)
{
	s.evtchn_mask[WORD(p)] |= BIT(p);
}

/* Every 8-byte word of shared_info is as in @before, except those holding the @fields. */
static void assert_only_changed(const void *f1, const void *f2, const void *f3)
{
	const unsigned char *a = (const unsigned char *)&s, *b = (const unsigned char *)&before;
	const void *fields[] = { f1, f2, f3 };

	for (size_t off = 0; off < sizeof(s); off += sizeof(xen_ulong_t)) {
		bool allowed = false;

		for (unsigned int i = 0; i < ARRAY_SIZE(fields); i++)
			allowed |= fields[i] &&
				   ((const unsigned char *)fields[i] - a) / 8 == (ptrdiff_t)off / 8;
		if (!allowed && memcmp(a + off, b + off, sizeof(xen_ulong_t)))
			fail_msg("word at offset %zu changed unexpectedly", off);
	}
}

static void test_abi_layout(void **state)
{
	assert_int_equal(offsetof(struct shared_info, evtchn_pending), 2048);
	assert_int_equal(offsetof(struct shared_info, evtchn_mask), 2560);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_upcall_pending), 0);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_upcall_mask), 1);
	assert_int_equal(offsetof(struct vcpu_info, evtchn_pending_sel), 8);
	assert_int_equal(EVTCHN_NR_PORTS, 4096);
}

static void test_set_pending_unmasked_raises_upcall(void **state)
{
	memcpy(&before, &s, sizeof(s));
	assert_true(evtchn_2l_set_pending(&s, VI(0), 5));
	assert_true(evtchn_2l_is_pending(&s, 5));
	assert_int_equal(s.evtchn_pending[0], 1UL << 5);
	assert_int_equal(VI(0)->evtchn_pending_sel, 1UL);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 1);
	assert_int_equal(VI(1)->evtchn_pending_sel, 0);
	assert_int_equal(VI(1)->evtchn_upcall_pending, 0);
	assert_only_changed(&s.evtchn_pending[0], &VI(0)->evtchn_pending_sel,
			    &VI(0)->evtchn_upcall_pending);
}

static void test_set_pending_twice_no_second_kick(void **state)
{
	assert_true(evtchn_2l_set_pending(&s, VI(0), 7));
	/* The guest took the upcall but has not handled port 7 yet. */
	VI(0)->evtchn_upcall_pending = 0;
	VI(0)->evtchn_pending_sel = 0;
	assert_false(evtchn_2l_set_pending(&s, VI(0), 7));
	assert_int_equal(VI(0)->evtchn_pending_sel, 0);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
}

static void test_set_pending_masked_stays_quiet(void **state)
{
	guest_mask(9);
	assert_false(evtchn_2l_set_pending(&s, VI(0), 9));
	assert_true(evtchn_2l_is_pending(&s, 9));
	assert_true(evtchn_2l_is_masked(&s, 9));
	assert_int_equal(VI(0)->evtchn_pending_sel, 0);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
}

static void test_unmask_reraises_pending(void **state)
{
	guest_mask(200);
	assert_false(evtchn_2l_set_pending(&s, VI(1), 200));
	assert_true(evtchn_2l_unmask(&s, VI(1), 200));
	assert_false(evtchn_2l_is_masked(&s, 200));
	assert_true(evtchn_2l_is_pending(&s, 200));
	assert_int_equal(VI(1)->evtchn_pending_sel, 1UL << WORD(200));
	assert_int_equal(VI(1)->evtchn_upcall_pending, 1);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
}

static void test_unmask_not_pending_only_clears_mask(void **state)
{
	guest_mask(3);
	guest_mask(4);
	memcpy(&before, &s, sizeof(s));
	assert_false(evtchn_2l_unmask(&s, VI(0), 3));
	assert_false(evtchn_2l_is_masked(&s, 3));
	assert_true(evtchn_2l_is_masked(&s, 4));
	assert_int_equal(VI(0)->evtchn_pending_sel, 0);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
	assert_only_changed(&s.evtchn_mask[0], NULL, NULL);
}

static void test_unmask_already_unmasked_pending_reraises(void **state)
{
	/* Pending, unmasked, and the guest already consumed the selector. */
	s.evtchn_pending[0] = BIT(12);
	assert_true(evtchn_2l_unmask(&s, VI(0), 12));
	assert_int_equal(VI(0)->evtchn_pending_sel, 1);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 1);
}

static void test_selector_already_set_no_kick(void **state)
{
	/* The guest has not scanned word 0 yet: it will find port 2 there. */
	VI(0)->evtchn_pending_sel = 1;
	assert_false(evtchn_2l_set_pending(&s, VI(0), 2));
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
	assert_true(evtchn_2l_is_pending(&s, 2));
}

static void test_upcall_already_pending_no_kick(void **state)
{
	VI(0)->evtchn_upcall_pending = 1;
	assert_false(evtchn_2l_set_pending(&s, VI(0), 70));
	assert_int_equal(VI(0)->evtchn_pending_sel, 1UL << 1);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 1);
}

static void test_word_boundaries(void **state)
{
	static const struct {
		evtchn_port_t port;
		unsigned int word, bit;
	} rows[] = {
		{ 1, 0, 1 }, { 63, 0, 63 }, { 64, 1, 0 }, { 65, 1, 1 }, { 127, 1, 63 },
		{ 128, 2, 0 }, { 4031, 62, 63 }, { 4032, 63, 0 }, { 4095, 63, 63 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		memset(&s, 0, sizeof(s));
		memcpy(&before, &s, sizeof(s));
		assert_true(evtchn_2l_set_pending(&s, VI(2), rows[i].port));
		assert_int_equal(s.evtchn_pending[rows[i].word], 1UL << rows[i].bit);
		assert_int_equal(VI(2)->evtchn_pending_sel, 1UL << rows[i].word);
		assert_only_changed(&s.evtchn_pending[rows[i].word], &VI(2)->evtchn_pending_sel,
				    &VI(2)->evtchn_upcall_pending);

		s.evtchn_mask[rows[i].word] = 1UL << rows[i].bit;
		assert_true(evtchn_2l_is_masked(&s, rows[i].port));
		if (rows[i].port > 0)
			assert_false(evtchn_2l_is_masked(&s, rows[i].port - 1));
		if (rows[i].port < EVTCHN_NR_PORTS - 1)
			assert_false(evtchn_2l_is_pending(&s, rows[i].port + 1));
		evtchn_2l_clear_pending(&s, rows[i].port);
		assert_false(evtchn_2l_is_pending(&s, rows[i].port));
	}
}

static void test_ports_63_and_64_distinct_selectors(void **state)
{
	assert_true(evtchn_2l_set_pending(&s, VI(0), 63));
	/* Word 1's selector bit is still clear, but the upcall is already on its way. */
	assert_false(evtchn_2l_set_pending(&s, VI(0), 64));
	assert_int_equal(VI(0)->evtchn_pending_sel, 3);
	/* The guest took the upcall and word 0 only: port 65 announces word 1 anew. */
	VI(0)->evtchn_upcall_pending = 0;
	VI(0)->evtchn_pending_sel = 2;
	assert_false(evtchn_2l_set_pending(&s, VI(0), 65));
	VI(0)->evtchn_pending_sel = 0;
	assert_true(evtchn_2l_set_pending(&s, VI(0), 66));
	assert_int_equal(VI(0)->evtchn_pending_sel, 2);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 1);
	assert_int_equal(s.evtchn_pending[0], 1UL << 63);
	assert_int_equal(s.evtchn_pending[1], 0x7);
}

static void test_port_4095(void **state)
{
	guest_mask(4095);
	assert_false(evtchn_2l_set_pending(&s, VI(31), 4095));
	assert_int_equal(s.evtchn_pending[63], 1UL << 63);
	assert_true(evtchn_2l_unmask(&s, VI(31), 4095));
	assert_int_equal(VI(31)->evtchn_pending_sel, 1UL << 63);
	assert_int_equal(VI(31)->evtchn_upcall_pending, 1);
	assert_int_equal(s.evtchn_mask[63], 0);
}

static void test_clear_pending_leaves_neighbours_and_selector(void **state)
{
	memset(s.evtchn_pending, 0xff, sizeof(s.evtchn_pending));
	VI(0)->evtchn_pending_sel = ~0UL;
	memcpy(&before, &s, sizeof(s));
	evtchn_2l_clear_pending(&s, 130);
	assert_int_equal(s.evtchn_pending[2], ~(1UL << 2));
	assert_int_equal(VI(0)->evtchn_pending_sel, ~0UL);
	assert_only_changed(&s.evtchn_pending[2], NULL, NULL);
}

static void test_hostile_neighbour_bits_ignored(void **state)
{
	/* Whatever else the guest wrote, only the port's own bits count. */
	memset(s.evtchn_mask, 0xff, sizeof(s.evtchn_mask));
	s.evtchn_mask[5] &= ~BIT(321);
	memset(s.evtchn_pending, 0xff, sizeof(s.evtchn_pending));
	s.evtchn_pending[5] &= ~BIT(321);
	assert_true(evtchn_2l_set_pending(&s, VI(0), 321));
	assert_int_equal(VI(0)->evtchn_pending_sel, 1UL << 5);
	assert_false(evtchn_2l_is_masked(&s, 321));
	assert_true(evtchn_2l_is_masked(&s, 320));
}

static void test_out_of_range_port_is_a_bug(void **state)
{
	expect_bug_about(evtchn_2l_set_pending(&s, VI(0), EVTCHN_NR_PORTS), "port");
	expect_bug_about(evtchn_2l_unmask(&s, VI(0), UINT32_MAX), "port");
	expect_bug_about(evtchn_2l_clear_pending(&s, EVTCHN_NR_PORTS), "port");
	expect_bug_about(evtchn_2l_is_pending(&s, EVTCHN_NR_PORTS), "port");
	expect_bug_about(evtchn_2l_is_masked(&s, EVTCHN_NR_PORTS), "port");
}

/* ---- random model check -------------------------------------------------- */

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static unsigned int rnd(unsigned int n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned int)(rng % n);
}

#define NV	3			/* vCPUs in the random runs */
#define VCPU_OF(p)	((p) % NV)	/* each port notifies a fixed vCPU */

/*
 * No event is lost: a pending, unmasked port has its selector bit set on
 * its vCPU, and a vCPU with selector bits has upcall_pending. (The guest
 * below unmasks only through the hypervisor, as Linux does for ports of
 * other CPUs; a guest that unmasks directly checks pending itself.)
 */
static void check_no_lost_event(unsigned int step)
{
	static xen_ulong_t ports_of[64][NV];	/* word, vCPU -> its ports' bits */

	if (!ports_of[0][0]) {
		for (evtchn_port_t p = 0; p < EVTCHN_NR_PORTS; p++)
			ports_of[WORD(p)][VCPU_OF(p)] |= BIT(p);
	}
	for (unsigned int w = 0; w < 64; w++) {
		xen_ulong_t live = s.evtchn_pending[w] & ~s.evtchn_mask[w];

		for (unsigned int v = 0; v < NV; v++) {
			if ((live & ports_of[w][v]) && !(VI(v)->evtchn_pending_sel & (1UL << w)))
				fail_msg("step %u: word %u of vCPU %u pending, unmasked, "
					 "selector clear", step, w, v);
		}
	}
	for (unsigned int v = 0; v < NV; v++) {
		if (VI(v)->evtchn_pending_sel && !VI(v)->evtchn_upcall_pending)
			fail_msg("step %u: vCPU %u has selector bits but no upcall", step, v);
	}
}

/* The guest's upcall handler: take the flag, then the selector, then the ports. */
static unsigned int guest_upcall(unsigned int v)
{
	unsigned int handled = 0;
	xen_ulong_t sel;

	VI(v)->evtchn_upcall_pending = 0;
	sel = VI(v)->evtchn_pending_sel;
	VI(v)->evtchn_pending_sel = 0;
	for (unsigned int w = 0; w < 64; w++) {
		if (!(sel & (1UL << w)))
			continue;
		for (unsigned int b = 0; b < 64; b++) {
			evtchn_port_t p = w * 64 + b;

			if (VCPU_OF(p) != v)
				continue;
			if ((s.evtchn_pending[w] & ~s.evtchn_mask[w]) & (1UL << b)) {
				s.evtchn_pending[w] &= ~(1UL << b);
				handled++;
			}
		}
	}
	/* Ports of other vCPUs in the same words keep their selector bits there. */
	return handled;
}

static void test_random_model(void **state)
{
	unsigned int kicks = 0, quiet = 0, handled = 0;

	for (unsigned int step = 0; step < 200000; step++) {
		/* Ports cluster in a few words so that collisions are common. */
		evtchn_port_t p = (rnd(4) * 1000 + rnd(130)) % EVTCHN_NR_PORTS;
		unsigned int v = VCPU_OF(p);
		bool was_pending = evtchn_2l_is_pending(&s, p);
		bool was_masked = evtchn_2l_is_masked(&s, p);
		bool was_upcall = VI(v)->evtchn_upcall_pending;
		bool kick;

		switch (rnd(10)) {
		case 0: case 1: case 2: case 3:
			kick = evtchn_2l_set_pending(&s, VI(v), p);
			assert_true(evtchn_2l_is_pending(&s, p));
			assert_int_equal(evtchn_2l_is_masked(&s, p), was_masked);
			if (kick && (was_pending || was_masked || was_upcall))
				fail_msg("step %u: kick for a port already told or masked", step);
			kicks += kick;
			quiet += !kick;
			break;
		case 4: case 5:
			kick = evtchn_2l_unmask(&s, VI(v), p);
			assert_false(evtchn_2l_is_masked(&s, p));
			assert_int_equal(evtchn_2l_is_pending(&s, p), was_pending);
			if (kick && (!was_pending || was_upcall))
				fail_msg("step %u: unmask kicked without cause", step);
			kicks += kick;
			break;
		case 6:
			guest_mask(p);
			break;
		case 7:
			evtchn_2l_clear_pending(&s, p);
			assert_false(evtchn_2l_is_pending(&s, p));
			break;
		default:
			handled += guest_upcall(rnd(NV));
			break;
		}
		check_no_lost_event(step);
	}
	if (kicks < 1000 || quiet < 1000 || handled < 1000)
		fail_msg("weak run: %u kicks, %u quiet raises, %u handled", kicks, quiet, handled);
}

/* ---- two threads ---------------------------------------------------------
 *
 * One thread raises ports as the hypervisor would; the other is the
 * guest's vCPU handling upcalls with the atomic operations Linux uses.
 * Wrong ordering or a non-atomic update would leave a pending, unmasked
 * port behind that no upcall announces; the end state must have none.
 */

#define RACE_PORTS	256
#define RACE_RAISES	50000		/* new pending bits to make */
#define RACE_SECONDS	20		/* bound: a lost event stalls the guest */

static volatile bool race_done;
static unsigned long race_handled;

static void *race_guest(void *arg)
{
	struct vcpu_info *vi = VI(0);

	for (;;) {
		/* Read "done" first: no upcall after it means nothing is left. */
		bool done = __atomic_load_n(&race_done, __ATOMIC_SEQ_CST);

		if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST)) {
			xen_ulong_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
							      __ATOMIC_SEQ_CST);

			for (unsigned int w = 0; w < 64; w++) {
				xen_ulong_t pend;

				if (!(sel & (1UL << w)))
					continue;
				pend = __atomic_exchange_n(&s.evtchn_pending[w], 0,
							   __ATOMIC_SEQ_CST);
				race_handled += __builtin_popcountl(pend);
			}
		} else if (done) {
			return NULL;
		}
	}
}

static void test_two_threads_lose_nothing(void **state)
{
	pthread_t guest;
	unsigned long raised = 0;
	time_t deadline = time(NULL) + RACE_SECONDS;

	race_done = false;
	race_handled = 0;
	assert_int_equal(pthread_create(&guest, NULL, race_guest, NULL), 0);
	while (raised < RACE_RAISES && time(NULL) < deadline) {
		evtchn_port_t p = 1 + rnd(RACE_PORTS);

		/*
		 * Only the guest clears pending bits, so a bit seen clear here
		 * is still clear when set_pending sets it: "raised" counts the
		 * 0 -> 1 transitions exactly, as "handled" counts the 1 -> 0.
		 * A port still pending is skipped; if the guest missed an
		 * announcement, they all stay pending and we run out of time.
		 */
		if (!evtchn_2l_is_pending(&s, p)) {
			evtchn_2l_set_pending(&s, VI(0), p);
			raised++;
		} else {
			sched_yield();	/* let the guest run on a busy host */
		}
	}
	__atomic_store_n(&race_done, true, __ATOMIC_SEQ_CST);
	assert_int_equal(pthread_join(guest, NULL), 0);
	if (raised < RACE_RAISES)
		fail_msg("only %lu raises in %u s: the guest stopped seeing events "
			 "(upcall %u, selector %#lx, word 0 %#lx, handled %lu)",
			 raised, RACE_SECONDS, VI(0)->evtchn_upcall_pending,
			 VI(0)->evtchn_pending_sel, s.evtchn_pending[0], race_handled);

	/*
	 * The guest stopped only after seeing no upcall once we had finished:
	 * everything raised must have been announced and handled.
	 */
	for (unsigned int w = 0; w < 64; w++) {
		if (s.evtchn_pending[w])
			fail_msg("word %u still pending (%#lx) after the guest finished", w,
				 s.evtchn_pending[w]);
	}
	assert_int_equal(VI(0)->evtchn_pending_sel, 0);
	assert_int_equal(VI(0)->evtchn_upcall_pending, 0);
	assert_int_equal(race_handled, raised);
}

#define CASE(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_abi_layout),
		CASE(test_set_pending_unmasked_raises_upcall),
		CASE(test_set_pending_twice_no_second_kick),
		CASE(test_set_pending_masked_stays_quiet),
		CASE(test_unmask_reraises_pending),
		CASE(test_unmask_not_pending_only_clears_mask),
		CASE(test_unmask_already_unmasked_pending_reraises),
		CASE(test_selector_already_set_no_kick),
		CASE(test_upcall_already_pending_no_kick),
		CASE(test_word_boundaries),
		CASE(test_ports_63_and_64_distinct_selectors),
		CASE(test_port_4095),
		CASE(test_clear_pending_leaves_neighbours_and_selector),
		CASE(test_hostile_neighbour_bits_ignored),
		CASE(test_out_of_range_port_is_a_bug),
		CASE(test_random_model),
		CASE(test_two_threads_lose_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
