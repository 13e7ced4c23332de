// SPDX-License-Identifier: GPL-2.0-only
/*
 * vsnprintf: the subset of C99 printf the hypervisor uses. No floating
 * point (the hypervisor has no FPU state of its own). Output beyond the
 * buffer is counted but not stored, so the return value is the length the
 * full output would have had.
 */
#include <hv/lib.h>

struct out {
	char *buf;
	size_t size;
	size_t len;	/* characters produced so far, stored or not */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum {
	F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16, F_UPPER = 32,
};

struct spec {
	unsigned int flags;
	int width;
	int prec;	/* -1: none given */
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	size_t n;
	int pad;

	if (!s)
		s = "(null)";
	n = sp->prec >= 0 ? strnlen(s, (size_t)sp->prec) : strlen(s);
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/*
 * Print an integer. @neg is only ever true for signed conversions, and
 * only signed conversions get a '+' or ' ' sign (C99 7.19.6.1).
 */
static void put_num(struct out *o, unsigned long long v, bool is_signed, bool neg,
		    unsigned int base, const struct spec *sp)
{
	const char *digits = (sp->flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];	/* 2^64 in octal has 22 digits */
	int n = 0, prec = sp->prec, prec_zeros, pad, prefix_len;
	char sign = 0;
	const char *prefix = "";
	bool zero = v == 0;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	/* C99: precision 0 with value 0 prints no digits. */
	if (n == 0 && prec != 0)
		tmp[n++] = '0';

	if (neg)
		sign = '-';
	else if (is_signed && (sp->flags & F_PLUS))
		sign = '+';
	else if (is_signed && (sp->flags & F_SPACE))
		sign = ' ';

	if (sp->flags & F_ALT) {
		/* "0x" only for a non-zero value; octal raises the precision
		 * just enough that the first digit printed is a zero. */
		if (base == 16 && !zero)
			prefix = (sp->flags & F_UPPER) ? "0X" : "0x";
		else if (base == 8 && (n == 0 || tmp[n - 1] != '0') && prec <= n)
			prec = n + 1;
	}
	prefix_len = (int)strlen(prefix);

	prec_zeros = prec > n ? prec - n : 0;
	pad = sp->width - (n + prec_zeros + prefix_len + (sign ? 1 : 0));
	if (pad < 0)
		pad = 0;

	if (!(sp->flags & F_LEFT) && !((sp->flags & F_ZERO) && sp->prec < 0))
		put_repeat(o, ' ', pad);
	if (sign)
		put(o, sign);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	if (!(sp->flags & F_LEFT) && (sp->flags & F_ZERO) && sp->prec < 0)
		put_repeat(o, '0', pad);
	put_repeat(o, '0', prec_zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	while (*fmt) {
		struct spec sp = { 0, 0, -1 };
		enum length len = LEN_INT;
		unsigned long long uv;
		long long sv;
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-') sp.flags |= F_LEFT;
			else if (*fmt == '0') sp.flags |= F_ZERO;
			else if (*fmt == '+') sp.flags |= F_PLUS;
			else if (*fmt == ' ') sp.flags |= F_SPACE;
			else if (*fmt == '#') sp.flags |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.flags |= F_LEFT;
				sp.width = -sp.width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = sp.width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			sp.prec = 0;
			if (*fmt == '*') {
				sp.prec = va_arg(ap, int);
				if (sp.prec < 0)
					sp.prec = -1;
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = sp.prec * 10 + (*fmt++ - '0');
			}
		}
		switch (*fmt) {
		case 'h':
			fmt++;
			len = LEN_SHORT;
			if (*fmt == 'h') {
				fmt++;
				len = LEN_CHAR;
			}
			break;
		case 'l':
			fmt++;
			len = LEN_LONG;
			if (*fmt == 'l') {
				fmt++;
				len = LEN_LLONG;
			}
			break;
		case 'z': case 't': case 'j':
			fmt++;
			len = LEN_SIZE;
			break;
		}

		switch (*fmt) {
		case 'd': case 'i':
			switch (len) {
			case LEN_LONG: case LEN_SIZE: sv = va_arg(ap, long); break;
			case LEN_LLONG: sv = va_arg(ap, long long); break;
			case LEN_SHORT: sv = (short)va_arg(ap, int); break;
			case LEN_CHAR: sv = (signed char)va_arg(ap, int); break;
			default: sv = va_arg(ap, int); break;
			}
			uv = sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
			put_num(&o, uv, true, sv < 0, 10, &sp);
			break;
		case 'u': case 'x': case 'X': case 'o':
			switch (len) {
			case LEN_LONG: case LEN_SIZE: uv = va_arg(ap, unsigned long); break;
			case LEN_LLONG: uv = va_arg(ap, unsigned long long); break;
			case LEN_SHORT: uv = (unsigned short)va_arg(ap, unsigned int); break;
			case LEN_CHAR: uv = (unsigned char)va_arg(ap, unsigned int); break;
			default: uv = va_arg(ap, unsigned int); break;
			}
			if (*fmt == 'X')
				sp.flags |= F_UPPER;
			put_num(&o, uv, false, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, &sp);
			break;
		case 'p':
			/* Always the full 16 hex digits: addresses line up in dumps. */
			uv = (unsigned long)va_arg(ap, void *);
			sp.flags |= F_ZERO;
			sp.width = 16;
			put_num(&o, uv, false, false, 16, &sp);
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.prec = 1;
			/* A NUL char still counts as one character. */
			if (!c[0]) {
				put_repeat(&o, ' ', (sp.flags & F_LEFT) ? 0 : sp.width - 1);
				put(&o, 0);
				put_repeat(&o, ' ', (sp.flags & F_LEFT) ? sp.width - 1 : 0);
			} else {
				put_str(&o, c, &sp);
			}
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* Unknown conversion: print it verbatim so the bug is visible. */
			while (start <= fmt && *start)
				put(&o, *start++);
			if (!*fmt)
				goto done;
			break;
		}
		fmt++;
	}
done:
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
