/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ticket spinlocks: FIFO-fair, so no CPU starves under contention. The
 * irqsave variants are for locks also taken from interrupt handlers.
 */
#pragma once
#include <hv/types.h>
#include <asm/processor.h>

typedef struct {
	volatile uint16_t next;		/* ticket handed to the next arrival */
	volatile uint16_t owner;	/* ticket now being served */
} spinlock_t;

#define SPINLOCK_INIT	{ 0, 0 }
#define DEFINE_SPINLOCK(l) spinlock_t l = SPINLOCK_INIT

static inline void spin_lock_init(spinlock_t *l)
{
	l->next = 0;
	l->owner = 0;
}

/*
 * From asm/ipi.h. The hypervisor runs with interrupts off, so a CPU that
 * waits for a lock must still answer TLB flushes: the holder may be
 * waiting for exactly that.
 */
void tlb_flush_service(void);

static inline void spin_lock(spinlock_t *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me) {
		tlb_flush_service();
		cpu_relax();
	}
}

/*
 * Take @l only if it is free now. Taking the next ticket when it equals
 * the one being served is exactly acquiring a free lock; if someone took
 * a ticket meanwhile, the exchange fails and nothing changed.
 */
static inline bool spin_trylock(spinlock_t *l)
{
	uint16_t free = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE);

	return __atomic_compare_exchange_n(&l->next, &free, (uint16_t)(free + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *l)
{
	return READ_ONCE(l->next) != READ_ONCE(l->owner);
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	local_irq_restore(flags);
}
