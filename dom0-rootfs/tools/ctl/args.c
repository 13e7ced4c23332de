// SPDX-License-Identifier: GPL-2.0-only
/* Argument parsing shared by the verbs: flags plus one or two NAME|ID/FILE. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wardctl.h"

/* @whats[0..n) name the positionals (for messages); all are required. */
static int parse(int argc, char **argv, const char *letters,
		 const char *const *whats, unsigned int n, struct verb_args *out)
{
	const char *verb = argv[0];
	const char **slot[2] = { &out->pos, &out->pos2 };
	const char *hit;
	unsigned int got = 0;
	int i;

	out->pos = NULL;
	out->pos2 = NULL;
	out->flags = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (a[0] == '-' && a[1] != '\0') {
			hit = a[2] == '\0' ? strchr(letters, a[1]) : NULL;
			if (!hit) {
				pr_err("%s: unknown option '%s'", verb, a);
				return -1;
			}
			out->flags |= 1u << (hit - letters);
			continue;
		}
		if (got >= n) {
			pr_err("%s: unexpected argument '%s'", verb, a);
			return -1;
		}
		*slot[got++] = a;
	}
	for (got = 0; got < n; got++) {
		if (!*slot[got] || !(*slot[got])[0]) {
			pr_err("%s: missing %s", verb, whats[got]);
			return -1;
		}
	}
	return 0;
}

int verb_parse(int argc, char **argv, const char *letters, const char *what,
	       struct verb_args *out)
{
	return parse(argc, argv, letters, &what, 1, out);
}

int verb_parse2(int argc, char **argv, const char *letters, const char *what,
		const char *what2, struct verb_args *out)
{
	const char *whats[2] = { what, what2 };

	return parse(argc, argv, letters, whats, 2, out);
}

int verb_no_args(int argc, char **argv)
{
	if (argc > 1) {
		pr_err("%s: unexpected argument '%s'", argv[0], argv[1]);
		return -1;
	}
	return 0;
}

int parse_mem_kb(const char *s, uint64_t *kb)
{
	unsigned int shift;	/* KiB per unit, as a power of two; b is -10 */
	unsigned long long n;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno || (end[0] && end[1]))
		return -1;
	switch (tolower((unsigned char)end[0])) {
	case 'b':
		*kb = n >> 10;
		return 0;
	case 'k':
		shift = 0;
		break;
	case '\0':
	case 'm':
		shift = 10;
		break;
	case 'g':
		shift = 20;
		break;
	case 't':
		shift = 30;
		break;
	default:
		return -1;
	}
	if (n > (UINT64_MAX >> shift))
		return -1;
	*kb = (uint64_t)n << shift;
	return 0;
}
