// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host stand-in for <hv/spinlock.h>: unit tests are single-threaded, so a
 * lock only records that it is held. That still catches the two bugs a
 * lock can have on one CPU: taking it twice (a self-deadlock on the real
 * machine) and returning with it held (shim.locks_held stays non-zero).
 * A BUG releases every lock at once (see shim_abandon_locks()).
 */
#pragma once
#include <hv/bug.h>

typedef struct {
	unsigned int held;	/* 1 + the lock epoch it was taken in; 0: free */
} spinlock_t;

#define SPINLOCK_INIT	{ 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
	l->held = 0;
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return l->held == shim.lock_epoch + 1;
}

static inline void spin_lock(spinlock_t *l)
{
	if (spin_is_locked(l))
		assert_failed("spin_lock: already held (self-deadlock)", __FILE__,
			      __LINE__, __func__);
	l->held = shim.lock_epoch + 1;
	shim.locks_held++;
}

static inline void spin_unlock(spinlock_t *l)
{
	if (!spin_is_locked(l))
		assert_failed("spin_unlock: not held", __FILE__, __LINE__, __func__);
	l->held = 0;
	shim.locks_held--;
}

static inline bool spin_trylock(spinlock_t *l)
{
	if (spin_is_locked(l))
		return false;
	spin_lock(l);
	return true;
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
