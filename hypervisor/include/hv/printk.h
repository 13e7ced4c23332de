/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk with log levels. A message starts with one of the LOG_* prefixes;
 * messages above the threshold set by "loglvl=" are dropped. Messages a
 * guest can trigger must use printk_ratelimited().
 */
#pragma once
#include <hv/types.h>

#define LOG_PREFIX	"\001"
#define LOG_ERR		LOG_PREFIX "0"
#define LOG_WARN	LOG_PREFIX "1"
#define LOG_INFO	LOG_PREFIX "2"
#define LOG_DEBUG	LOG_PREFIX "3"
/*
 * Lines about a domU (its build and creation, its shutdown, what it
 * writes with console_io) use these instead: "guest_loglvl=" filters
 * them, as Xen's XENLOG_G_* levels, so that a shared console can stay
 * quiet while guests come and go. dom0's own lines keep the host levels.
 */
#define LOG_G_ERR	LOG_PREFIX "4"
#define LOG_G_WARN	LOG_PREFIX "5"
#define LOG_G_INFO	LOG_PREFIX "6"
#define LOG_G_DEBUG	LOG_PREFIX "7"

enum log_level { LVL_ERR, LVL_WARN, LVL_INFO, LVL_DEBUG };

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Set the threshold; names "err", "warn", "info", "debug" or "all". */
bool printk_set_level_name(const char *name);
enum log_level printk_get_level(void);
/* The same for the LOG_G_* lines; until it is set, they follow loglvl. */
bool printk_set_guest_level_name(const char *name);

/* Poll the console for input (boot CPU, timer tick) and pass it to dom0. */
void console_poll_input(void);
/* Print what is left of @d's last console line (it is going away). */
struct domain;
void console_io_flush(struct domain *d);

/* The console sink printk writes to (serial, and later the guest ring). */
void console_write(const char *s, size_t len);
/*
 * @s on the console like printk("%s") at LVL_INFO, but not kept in the
 * ring: dom0's own console output (dom0 has it already).
 */
void console_write_unkept(const char *s, size_t len);

/*
 * Copy up to @len kept bytes from index *@pos (raised to the oldest still
 * kept) into @buf and advance *@pos; returns how many. Index 0 is the
 * first byte ever kept.
 */
size_t printk_ring_copy(uint64_t *pos, char *buf, size_t len);
/* Forget the kept bytes before index @upto (wardctl dmesg -c). */
void printk_ring_clear(uint64_t upto);

#define pr_err(fmt, ...)	printk(LOG_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(LOG_WARN fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(LOG_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(LOG_DEBUG fmt, ##__VA_ARGS__)
/* pr_info() for a line about domain @d: a domU's obeys guest_loglvl. */
#define pr_dom_info(d, fmt, ...)					\
	printk((d)->domain_id ? LOG_G_INFO fmt : LOG_INFO fmt, ##__VA_ARGS__)

/*
 * One call site's budget: at most PRINTK_RL_BURST lines per
 * PRINTK_RL_WINDOW_NS. Shared by every CPU without a lock: a race lets a
 * line or two more through, which is harmless.
 */
struct printk_ratelimit {
	uint64_t window_start;
	unsigned int printed;
	unsigned int missed;
};
#define PRINTK_RL_BURST		10
#define PRINTK_RL_WINDOW_NS	(5ULL * 1000 * 1000 * 1000)

/* May this site print now? Counts what it drops and reports it later. */
bool printk_ratelimit_ok(struct printk_ratelimit *rl);

/* printk() for lines a guest can cause, limited per call site. */
#define printk_ratelimited(fmt, ...)					\
	do {								\
		static struct printk_ratelimit rl_;			\
									\
		if (printk_ratelimit_ok(&rl_))				\
			printk(fmt, ##__VA_ARGS__);			\
	} while (0)

/* Panic path only: break console_lock so the dump gets out. */
void console_force_unlock(void);
