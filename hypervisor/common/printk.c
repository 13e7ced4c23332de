// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: format into a per-call buffer, filter by level, write the line to
 * the console under console_lock so lines from different CPUs don't mix.
 * What the console gets is also kept in a ring (the newest
 * WARD_CTL_CONSOLE_RING bytes) for "wardctl dmesg" (WARD_CTL_console_read),
 * except dom0's own console output, which dom0 has already.
 */
#include <hv/printk.h>
#include <hv/arch.h>
#include <hv/lib.h>
#include <hv/spinlock.h>
#include <ward/ctl.h>
#include <asm/percpu.h>
#include <asm/time.h>

#define PRINTK_LINE_MAX 512
#define RING_SIZE	WARD_CTL_CONSOLE_RING	/* a power of two */
_Static_assert((RING_SIZE & (RING_SIZE - 1)) == 0, "ring size is a power of two");

/* Set once from the command line before other CPUs run; read-only after. */
static enum log_level threshold = LVL_INFO;
/* The same for LOG_G_* lines; guest_threshold_set says guest_loglvl= was given. */
static enum log_level guest_threshold = LVL_INFO;
static bool guest_threshold_set;
/* Serialises whole messages on the console, and guards the ring below. */
static DEFINE_SPINLOCK(console_lock);

/*
 * The ring: byte i of all that was kept is ring[i % RING_SIZE]; ring_prod
 * counts every byte ever kept, ring_from is where a clear left the reader.
 */
static char ring[RING_SIZE];
static uint64_t ring_prod, ring_from;

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

/* Keep @s in the ring; console_lock held. Old bytes are overwritten. */
static void ring_put(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		ring[ring_prod++ % RING_SIZE] = s[i];
}

/* Write @buf to the console if @show, and into the ring if @keep. */
static void emit(const char *buf, size_t n, bool show, bool keep)
{
	unsigned long flags;

	if (!show && !keep)
		return;
	if (arch_in_nmi()) {
		bool locked = console_lock_nmi();

		if (show && (!locked || !console_at_line_start))
			console_write("\n", 1);
		if (locked) {
			if (show)
				console_write_locked(buf, n);
			if (keep)
				ring_put(buf, n);
			spin_unlock(&console_lock);
		} else if (show) {
			console_write(buf, n);
		}
		return;
	}
	flags = spin_lock_irqsave(&console_lock);
	if (show)
		console_write_locked(buf, n);
	if (keep)
		ring_put(buf, n);
	spin_unlock_irqrestore(&console_lock, flags);
}

/*
 * A line goes to the console when its level is within the limit
 * (guest_loglvl= for the LOG_G_* lines, loglvl= for the rest), and into
 * the ring (wardctl dmesg) up to info level whatever the limit: a quiet
 * console still leaves the lifecycle lines readable there.
 */
void vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX];
	enum log_level lvl = LVL_INFO, limit = threshold;
	bool show, keep;
	int n;

	/* LOG_* is "\1" and a digit: 0-3 host levels, 4-7 the guest ones. */
	if (fmt[0] == LOG_PREFIX[0] && fmt[1] >= '0' && fmt[1] <= '7') {
		lvl = (enum log_level)((fmt[1] - '0') % 4);
		if (fmt[1] >= '4' && guest_threshold_set)
			limit = guest_threshold;
		fmt += 2;
	}
	show = lvl <= limit;
	keep = show || lvl <= LVL_INFO;
	if (!keep)
		return;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	emit(buf, (size_t)n, show, keep);
}

/* dom0's own console text: shown at info level, never kept (dom0 has it). */
void console_write_unkept(const char *s, size_t len)
{
	emit(s, len, LVL_INFO <= threshold, false);
}

size_t printk_ring_copy(uint64_t *pos, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);
	uint64_t oldest = ring_prod > RING_SIZE ? ring_prod - RING_SIZE : 0;
	size_t n = 0;

	if (oldest < ring_from)
		oldest = ring_from;
	/* What was overwritten since the last chunk is lost, not garbled. */
	if (*pos < oldest)
		*pos = oldest;
	while (n < len && *pos < ring_prod)
		buf[n++] = ring[(*pos)++ % RING_SIZE];
	spin_unlock_irqrestore(&console_lock, flags);
	return n;
}

void printk_ring_clear(uint64_t upto)
{
	unsigned long flags = spin_lock_irqsave(&console_lock);

	if (upto > ring_from && upto <= ring_prod)
		ring_from = upto;
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
