// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: format into a per-call buffer, filter by level, write the line to
 * the console under console_lock so lines from different CPUs don't mix.
 */
#include <hv/printk.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <asm/percpu.h>
#include <asm/time.h>

#define PRINTK_LINE_MAX 512

/* Set once from the command line before other CPUs run; read-only after. */
static enum log_level threshold = LVL_INFO;
/* The same for LOG_G_* lines; guest_threshold_set says guest_loglvl= was given. */
static enum log_level guest_threshold = LVL_INFO;
static bool guest_threshold_set;
/* Serialises whole messages on the console. */
static DEFINE_SPINLOCK(console_lock);

static const char *const level_names[] = {
	[LVL_ERR] = "err", [LVL_WARN] = "warn", [LVL_INFO] = "info", [LVL_DEBUG] = "debug",
};

static bool level_by_name(const char *name, enum log_level *lvl)
{
	if (!strcmp(name, "all")) {
		*lvl = LVL_DEBUG;
		return true;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(level_names); i++)
		if (!strcmp(name, level_names[i])) {
			*lvl = (enum log_level)i;
			return true;
		}
	return false;
}

bool printk_set_level_name(const char *name)
{
	return level_by_name(name, &threshold);
}

bool printk_set_guest_level_name(const char *name)
{
	if (!level_by_name(name, &guest_threshold))
		return false;
	guest_threshold_set = true;
	return true;
}

enum log_level printk_get_level(void)
{
	return threshold;
}

void console_write(const char *s, size_t len)
{
	arch_console_write(s, len);
}

/*
 * In NMI context the code we interrupted may hold console_lock: another
 * CPU's holder is waited for a bounded time; our own never lets go, so it
 * is not waited for. Without the lock the line is written anyway (better
 * than never getting out), after a newline so that it starts a line of its
 * own rather than the middle of the one being written.
 */
#define NMI_CONSOLE_WAIT_NS	(100ULL * 1000 * 1000)
#define NO_OWNER		UINT32_MAX

/* The CPU that holds console_lock, or NO_OWNER. */
static volatile uint32_t console_owner = NO_OWNER;
/* The console's last byte was a newline (written under console_lock). */
static volatile bool console_at_line_start = true;

static bool console_lock_nmi(void)
{
	uint64_t deadline = now_ns() + NMI_CONSOLE_WAIT_NS;

	while (!spin_trylock(&console_lock))
		if (READ_ONCE(console_owner) == smp_processor_id() || now_ns() > deadline)
			return false;
	return true;
}

static void console_write_locked(const char *s, size_t len)
{
	console_owner = smp_processor_id();
	console_write(s, len);
	if (len)
		console_at_line_start = s[len - 1] == '\n';
	console_owner = NO_OWNER;
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX];
	enum log_level lvl = LVL_INFO, limit = threshold;
	unsigned long flags;
	int n;

	/* LOG_* is "\1" and a digit: 0-3 host levels, 4-7 the guest ones. */
	if (fmt[0] == LOG_PREFIX[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		lvl = (enum log_level)((fmt[1] - '0') % 4);
		if (fmt[1] >= '4' && guest_threshold_set)
			limit = guest_threshold;
		fmt += 2;
	}
	if (lvl > limit)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (arch_in_nmi()) {
		bool locked = console_lock_nmi();

		if (!locked || !console_at_line_start)
			console_write("\n", 1);
		if (locked) {
			console_write_locked(buf, (size_t)n);
			spin_unlock(&console_lock);
		} else {
			console_write(buf, (size_t)n);
		}
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	console_write_locked(buf, (size_t)n);
	spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

bool printk_ratelimit_ok(struct printk_ratelimit *rl)
{
	uint64_t now = now_ns();
	unsigned int missed;

	if (now - READ_ONCE(rl->window_start) >= PRINTK_RL_WINDOW_NS) {
		missed = rl->missed;
		rl->window_start = now;
		rl->printed = 0;
		rl->missed = 0;
		if (missed)
			printk(LOG_WARN "(%u similar lines suppressed)\n", missed);
	}
	if (rl->printed >= PRINTK_RL_BURST) {
		rl->missed++;
		return false;
	}
	rl->printed++;
	return true;
}

/*
 * The panic path may interrupt a CPU that holds console_lock; it takes the
 * lock over rather than deadlock. Output may interleave, which is better
 * than none.
 */
void console_force_unlock(void)
{
	spin_lock_init(&console_lock);
}
