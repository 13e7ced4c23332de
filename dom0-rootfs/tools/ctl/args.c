// SPDX-License-Identifier: GPL-2.0-only
/* Argument parsing shared by the verbs: flags plus one NAME|ID or FILE. */
#include <string.h>

#include "wardctl.h"

int verb_parse(int argc, char **argv, const char *letters, const char *what,
	       struct verb_args *out)
{
	const char *verb = argv[0];
	const char *hit;
	int i;

	out->pos = NULL;
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
		if (out->pos) {
			pr_err("%s: unexpected argument '%s'", verb, a);
			return -1;
		}
		out->pos = a;
	}
	if (!out->pos || !out->pos[0]) {
		pr_err("%s: missing %s", verb, what);
		return -1;
	}
	return 0;
}
