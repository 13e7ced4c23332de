// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk over HYPERVISOR_console_io(CONSOLEIO_write). One call per printk,
 * so that a line is never split by output from elsewhere. Supports the
 * conversions the tests use: %d %i %u %x %X %p %s %c %%, the l/ll/z
 * length modifiers, a field width and the '0' and '-' flags.
 */
#include "lib.h"

struct out {
	char *buf;
	size_t size, len;	/* len counts every byte, even truncated ones */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_field(struct out *o, const char *s, size_t n, int width,
		      bool left, char pad)
{
	size_t i;

	for (i = n; !left && (int)i < width; i++)
		put(o, pad);
	for (i = 0; i < n; i++)
		put(o, s[i]);
	for (i = n; left && (int)i < width; i++)
		put(o, ' ');
}

static void put_number(struct out *o, unsigned long v, bool neg,
		       unsigned int base, bool upper, int width, bool left,
		       char pad)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	size_t n = 0;

	do {
		tmp[sizeof(tmp) - 1 - n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (pad == '0') {	/* the sign goes before the zeros */
			put(o, '-');
			width--;
		} else {
			tmp[sizeof(tmp) - 1 - n++] = '-';
		}
	}
	put_field(o, tmp + sizeof(tmp) - n, n, width, left, pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size };

	for (; *fmt; fmt++) {
		bool left = false, is_signed = false;
		int width = 0, lng = 0;
		char pad = ' ';
		unsigned long v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (fmt++; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else
				left = true;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		if (left)
			pad = ' ';

		switch (*fmt) {
		case 'd':
		case 'i':
			is_signed = true;
			/* fall through */
		case 'u':
		case 'x':
		case 'X':
			if (lng)
				v = va_arg(ap, unsigned long);
			else if (is_signed)
				v = (unsigned long)(long)va_arg(ap, int);
			else
				v = va_arg(ap, unsigned int);
			if (is_signed && (long)v < 0)
				put_number(&o, -v, true, 10, false, width,
					   left, pad);
			else
				put_number(&o, v, false, *fmt == 'd' ||
					   *fmt == 'i' || *fmt == 'u' ? 10 : 16,
					   *fmt == 'X', width, left, pad);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (unsigned long)va_arg(ap, void *), false,
				   16, false, 16, false, '0');
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			put_field(&o, s, strlen(s), width, left, ' ');
			break;
		}
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:	/* unknown: print it verbatim */
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
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

/* Print one formatted message; long messages are cut at 255 bytes. */
void printk(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
}
