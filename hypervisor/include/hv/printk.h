/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * printk with log levels. A message starts with one of the LOG_* prefixes;
 * messages above the threshold set by "loglvl=" are dropped. Messages a
 * guest can trigger must use printk_ratelimited() (added with guests).
 */
#pragma once
#include <hv/types.h>

#define LOG_PREFIX	"\001"
#define LOG_ERR		LOG_PREFIX "0"
#define LOG_WARN	LOG_PREFIX "1"
#define LOG_INFO	LOG_PREFIX "2"
#define LOG_DEBUG	LOG_PREFIX "3"

enum log_level { LVL_ERR, LVL_WARN, LVL_INFO, LVL_DEBUG };

void printk(const char *fmt, ...) __printf(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Set the threshold; names "err", "warn", "info", "debug" or "all". */
bool printk_set_level_name(const char *name);
enum log_level printk_get_level(void);

/* Poll the console for input (boot CPU, timer tick) and pass it to dom0. */
void console_poll_input(void);

/* The console sink printk writes to (serial, and later the guest ring). */
void console_write(const char *s, size_t len);

#define pr_err(fmt, ...)	printk(LOG_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(LOG_WARN fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(LOG_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(LOG_DEBUG fmt, ##__VA_ARGS__)

/* Panic path only: break console_lock so the dump gets out. */
void console_force_unlock(void);
