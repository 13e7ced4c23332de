// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stand-in for <hv/spinlock.h>: unit tests are single-threaded, so a
 * lock only records that it is held. That still catches the two bugs a
 * lock can have on one CPU: taking it twice (a self-deadlock on the real
 * machine) and returning with it held (shim_spin.depth stays non-zero).
 *
 * A lock counts as held when its "held" field equals the current epoch;
 * shim_spin_reset() starts a new epoch, which releases every lock at once
 * (needed after expect_bug() abandoned a function that held one).
 */
#pragma once
#include <hv/bug.h>

typedef struct {
	unsigned int held;	/* epoch in which it was taken; 0: never */
} spinlock_t;

struct shim_spin {
	unsigned int epoch;
	unsigned int depth;	/* locks held right now */
};
__attribute__((weak)) struct shim_spin shim_spin = { 1, 0 };

#define SPINLOCK_INIT	{ 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT

static inline void shim_spin_reset(void)
{
	shim_spin.epoch++;
	shim_spin.depth = 0;
}

static inline void spin_lock_init(spinlock_t *l)
{
	l->held = 0;
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return l->held == shim_spin.epoch;
}

static inline void spin_lock(spinlock_t *l)
{
	if (spin_is_locked(l))
		assert_failed("spin_lock: already held (self-deadlock)", __FILE__,
			      __LINE__, __func__);
	l->held = shim_spin.epoch;
	shim_spin.depth++;
}

static inline void spin_unlock(spinlock_t *l)
{
	if (!spin_is_locked(l))
		assert_failed("spin_unlock: not held", __FILE__, __LINE__, __func__);
	l->held = 0;
	shim_spin.depth--;
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	spin_lock(l);
	return 0;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
}
