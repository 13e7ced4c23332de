// SPDX-License-Identifier: GPL-2.0-only
/*
 * Command-line parsing. Pure: no I/O, so it is unit-tested on the host.
 * The command line comes from the boot loader and is trusted no more than
 * a guest: every token is bounded and every value checked.
 */
#include <hv/cmdline.h>
#include <hv/errno.h>
#include <hv/lib.h>

/* Longest name or value we accept; longer tokens are reported, not truncated. */
#define TOKEN_MAX 256

bool parse_size(const char *s, uint64_t *out)
{
	unsigned long v;
	const char *end;
	unsigned int shift = 0;

	if (!parse_ulong(s, &end, &v))
		return false;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 'b': case 'B': end++; break;
	}
	if (*end)
		return false;
	if (shift && v > (~0UL >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

static int parse_bool(const char *s)
{
	static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
	static const char *const no[] = { "0", "no", "off", "false", "disable" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
		if (!strcmp(s, yes[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(no); i++)
		if (!strcmp(s, no[i]))
			return 0;
	return -1;
}

static void complain(void (*report)(const char *), const char *fmt, const char *a,
		     const char *b)
{
	char msg[TOKEN_MAX * 2 + 64];

	if (!report)
		return;
	snprintf(msg, sizeof(msg), fmt, a, b);
	report(msg);
}

static const struct param *find(const struct param *params, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(params[i].name, name))
			return &params[i];
	return NULL;
}

/* Apply one option. Returns 0 or -EINVAL; reports its own problem. */
static int apply(const struct param *p, const char *name, const char *val, bool negated,
		 void (*report)(const char *))
{
	unsigned long ul;
	uint64_t sz;
	const char *end;
	int b;

	if (negated && p->type != PARAM_BOOL) {
		complain(report, "cmdline: option '%s' is not a boolean; 'no-%s' ignored",
			 name, name);
		return -EINVAL;
	}
	if (!val && p->type != PARAM_BOOL) {
		complain(report, "cmdline: option '%s' needs a value%s", name, "");
		return -EINVAL;
	}

	switch (p->type) {
	case PARAM_BOOL:
		b = val ? parse_bool(val) : 1;
		if (b < 0)
			goto bad;
		*(bool *)p->var = negated ? !b : b;
		return 0;
	case PARAM_UINT:
		if (!parse_ulong(val, &end, &ul) || *end)
			goto bad;
		*(unsigned long *)p->var = ul;
		return 0;
	case PARAM_SIZE:
		if (!parse_size(val, &sz))
			goto bad;
		*(uint64_t *)p->var = sz;
		return 0;
	case PARAM_STRING:
		if (strlen(val) >= p->size)
			goto bad;
		strlcpy(p->var, val, p->size);
		return 0;
	case PARAM_CUSTOM:
		if (p->fn(val))
			goto bad;
		return 0;
	}
bad:
	complain(report, "cmdline: bad value '%s' for option '%s'", val ? val : "", name);
	return -EINVAL;
}

unsigned int cmdline_parse(const char *cmdline, const struct param *params, size_t n,
			   void (*report)(const char *msg))
{
	unsigned int problems = 0;
	const char *s = cmdline;

	if (!s)
		return 0;
	while (*s) {
		char name[TOKEN_MAX], val[TOKEN_MAX];
		size_t nl = 0, vl = 0;
		bool has_val = false, quoted = false, too_long = false;
		const struct param *p;
		const char *key = name;
		bool negated = false;

		while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		if (!*s)
			break;

		while (*s && *s != '=' && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') {
			if (nl + 1 < sizeof(name))
				name[nl++] = *s;
			else
				too_long = true;
			s++;
		}
		name[nl] = '\0';
		if (*s == '=') {
			has_val = true;
			s++;
			while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r'))) {
				if (*s == '"') {
					quoted = !quoted;
				} else if (vl + 1 < sizeof(val)) {
					val[vl++] = *s;
				} else {
					too_long = true;
				}
				s++;
			}
		}
		val[vl] = '\0';

		if (too_long) {
			complain(report, "cmdline: option '%.40s...' is too long; ignored%s", name, "");
			problems++;
			continue;
		}
		if (quoted) {
			complain(report, "cmdline: unterminated quote in option '%s'%s", name, "");
			problems++;
			continue;
		}

		p = find(params, n, key);
		if (!p && !strncmp(key, "no-", 3) && !has_val) {
			p = find(params, n, key + 3);
			if (p) {
				negated = true;
				key += 3;
			}
		}
		if (!p) {
			complain(report, "cmdline: unknown option '%s' ignored%s", name, "");
			problems++;
			continue;
		}
		if (apply(p, key, has_val ? val : NULL, negated, report))
			problems++;
	}
	return problems;
}
