/* SPDX-License-Identifier: GPL-2.0-only */
/* Compiler helpers used everywhere. Freestanding: no libc. */
#pragma once

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define __packed	__attribute__((packed))
#define __aligned(n)	__attribute__((aligned(n)))
#define __noreturn	__attribute__((noreturn))
#define __used		__attribute__((used))
#define __section(s)	__attribute__((section(s)))
/*
 * Read (or written) on every guest entry by entry.S's fast paths: the
 * linker gathers these into one page of their own (ward.lds.S), so that
 * under QEMU's soft TLB an entry costs one data-page refill for them, not
 * one per scattered global (issue 15). Keep it for such variables only.
 */
#define __hot_data	__section(".data.hot")
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __maybe_unused	__attribute__((unused))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BUILD_BUG_ON(c)	_Static_assert(!(c), #c)

#define barrier()	__asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

#define ROUNDUP(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

/*
 * @idx if it is below @size, else 0, without a branch the CPU could
 * speculate past: use it after the bounds check on a guest-given index.
 */
static inline unsigned long array_index_nospec(unsigned long idx, unsigned long size)
{
	/* All ones when idx < size (both top bits clear), else zero. */
	unsigned long mask = (unsigned long)(~(long)(idx | (size - 1 - idx)) >> 63);

	__asm__("" : "+r"(mask));	/* keep the compiler from turning it into a branch */
	return idx & mask;
}

#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
