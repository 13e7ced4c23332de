// SPDX-License-Identifier: GPL-2.0-only
/*
 * xl.cfg-style domain configuration: a small lexer, a statement parser
 * (KEY = number | 'string' | "string" | [ list of those ]) and one setter
 * per key. Pure: no I/O, so every message is unit tested. The first error
 * stops the parse; its message names the file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ward/ctl.h>
#include "config.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CFG_DEFAULT_MEMORY_MB	128
#define CFG_MAX_LIST	16	/* items in one [ ] list */
#define XVD_MAJOR	202	/* Linux's xen-blkfront major */
#define XVD_MINORS	16	/* minors per xvd disk (15 partitions) */
#define XVD_EXT_FLAG	(1u << 28)	/* virtual-device-ext style number */
#define MAC_OUI_XEN	"00:16:3e"

/* ---- messages ------------------------------------------------------- */

static void __attribute__((format(printf, 2, 3)))
set_error(struct cfg_msgs *m, const char *fmt, ...)
{
	va_list ap;

	if (m->error[0])	/* keep the first error */
		return;
	va_start(ap, fmt);
	vsnprintf(m->error, sizeof(m->error), fmt, ap);
	va_end(ap);
}

static void __attribute__((format(printf, 2, 3)))
add_warning(struct cfg_msgs *m, const char *fmt, ...)
{
	va_list ap;

	if (m->nr_warnings >= CFG_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(m->warnings[m->nr_warnings++], CFG_MSG_MAX, fmt, ap);
	va_end(ap);
}

/* ---- lexer ---------------------------------------------------------- */

enum tok_type { T_EOF, T_EOL, T_IDENT, T_NUMBER, T_STRING, T_EQ,
		T_LBRACKET, T_RBRACKET, T_COMMA, T_ERROR };

struct token {
	enum tok_type type;
	unsigned int line;
	char text[CFG_STR_MAX];
	uint64_t num;
};

struct lexer {
	const char *p;
	unsigned int line;
	const char *file;
	struct cfg_msgs *msgs;
};

static int lex_error(struct lexer *lx, struct token *t, const char *what)
{
	set_error(lx->msgs, "%s:%u: %s", lx->file, lx->line, what);
	t->type = T_ERROR;
	return -1;
}

static int lex_string(struct lexer *lx, struct token *t)
{
	char quote = *lx->p++;
	size_t n = 0;

	for (;;) {
		char c = *lx->p;

		if (c == '\0' || c == '\n')
			return lex_error(lx, t, "unterminated string");
		lx->p++;
		if (c == quote)
			break;
		if (c == '\\' && (*lx->p == quote || *lx->p == '\\'))
			c = *lx->p++;
		if (n + 1 >= sizeof(t->text))
			return lex_error(lx, t, "string too long");
		t->text[n++] = c;
	}
	t->text[n] = '\0';
	t->type = T_STRING;
	return 0;
}

static int lex_number(struct lexer *lx, struct token *t)
{
	char *end;

	errno = 0;
	t->num = strtoull(lx->p, &end, 0);
	if (errno || isalpha((unsigned char)*end) || *end == '_')
		return lex_error(lx, t, "bad number");
	snprintf(t->text, sizeof(t->text), "%.*s", (int)(end - lx->p), lx->p);
	lx->p = end;
	t->type = T_NUMBER;
	return 0;
}

/* Next token; comments and blanks are skipped, newlines and ';' are T_EOL. */
static int lex_next(struct lexer *lx, struct token *t)
{
	const char *s;

	for (;;) {
		while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
			lx->p++;
		if (*lx->p != '#')
			break;
		while (*lx->p && *lx->p != '\n')
			lx->p++;
	}
	t->line = lx->line;
	t->text[0] = '\0';
	switch (*lx->p) {
	case '\0':
		t->type = T_EOF;
		return 0;
	case '\n':
		lx->line++;
		/* fall through */
	case ';':
		lx->p++;
		t->type = T_EOL;
		return 0;
	case '=': lx->p++; t->type = T_EQ; return 0;
	case '[': lx->p++; t->type = T_LBRACKET; return 0;
	case ']': lx->p++; t->type = T_RBRACKET; return 0;
	case ',': lx->p++; t->type = T_COMMA; return 0;
	case '"':
	case '\'':
		return lex_string(lx, t);
	}
	if (isdigit((unsigned char)*lx->p))
		return lex_number(lx, t);
	if (isalpha((unsigned char)*lx->p) || *lx->p == '_') {
		s = lx->p;
		while (isalnum((unsigned char)*lx->p) || *lx->p == '_')
			lx->p++;
		snprintf(t->text, sizeof(t->text), "%.*s", (int)(lx->p - s), s);
		t->type = T_IDENT;
		return 0;
	}
	{
		char what[48];

		snprintf(what, sizeof(what), "unexpected character '%c'", *lx->p);
		return lex_error(lx, t, what);
	}
}

/* ---- values --------------------------------------------------------- */

struct value {
	enum { V_NUMBER, V_STRING, V_LIST } type;
	unsigned int line;
	uint64_t num;
	char str[CFG_STR_MAX];
	char (*items)[CFG_STR_MAX];	/* V_LIST: strings only */
	unsigned int nr_items;
};

/* Skip newlines inside a list. */
static int lex_next_in_list(struct lexer *lx, struct token *t)
{
	do {
		if (lex_next(lx, t))
			return -1;
	} while (t->type == T_EOL);
	return 0;
}

static int parse_list(struct lexer *lx, struct value *v)
{
	struct token t;

	v->type = V_LIST;
	v->nr_items = 0;
	if (lex_next_in_list(lx, &t))
		return -1;
	while (t.type != T_RBRACKET) {
		if (t.type != T_STRING) {
			set_error(lx->msgs, "%s:%u: list items must be quoted strings",
				  lx->file, t.line);
			return -1;
		}
		if (v->nr_items >= CFG_MAX_LIST) {
			set_error(lx->msgs, "%s:%u: list has more than %d items",
				  lx->file, t.line, CFG_MAX_LIST);
			return -1;
		}
		memcpy(v->items[v->nr_items++], t.text, sizeof(t.text));
		if (lex_next_in_list(lx, &t))
			return -1;
		if (t.type == T_COMMA) {
			if (lex_next_in_list(lx, &t))
				return -1;
		} else if (t.type != T_RBRACKET) {
			set_error(lx->msgs, "%s:%u: expected ',' or ']' in list",
				  lx->file, t.line);
			return -1;
		}
	}
	return 0;
}

static int parse_value(struct lexer *lx, struct value *v)
{
	struct token t;

	if (lex_next(lx, &t))
		return -1;
	v->line = t.line;
	switch (t.type) {
	case T_NUMBER:
		v->type = V_NUMBER;
		v->num = t.num;
		return 0;
	case T_STRING:
		v->type = V_STRING;
		memcpy(v->str, t.text, sizeof(v->str));
		return 0;
	case T_LBRACKET:
		return parse_list(lx, v);
	default:
		set_error(lx->msgs, "%s:%u: expected a number, a quoted string or a [ list ]",
			  lx->file, t.line);
		return -1;
	}
}

/* ---- keys ------------------------------------------------------------ */

struct ctx {
	struct dom_config *cfg;
	struct cfg_msgs *msgs;
	const char *file;
};

static int want(struct ctx *c, const char *key, const struct value *v, int type)
{
	static const char *const names[] = {
		[V_NUMBER] = "a number", [V_STRING] = "a quoted string",
		[V_LIST] = "a [ list ]",
	};

	if ((int)v->type == type)
		return 0;
	set_error(c->msgs, "%s:%u: %s must be %s", c->file, v->line, key,
		  names[type]);
	return -1;
}

static int set_str(struct ctx *c, const char *key, const struct value *v,
		   char *dst, size_t len)
{
	if (want(c, key, v, V_STRING))
		return -1;
	if (strlen(v->str) >= len) {
		set_error(c->msgs, "%s:%u: %s is longer than %zu characters",
			  c->file, v->line, key, len - 1);
		return -1;
	}
	strcpy(dst, v->str);
	return 0;
}

static int set_action(struct ctx *c, const char *key, const struct value *v,
		      enum cfg_action *dst)
{
	static const enum cfg_action all[] = {
		CFG_ACTION_DESTROY, CFG_ACTION_RESTART, CFG_ACTION_PRESERVE,
	};
	size_t i;

	if (want(c, key, v, V_STRING))
		return -1;
	for (i = 0; i < ARRAY_SIZE(all); i++) {
		if (!strcmp(v->str, config_action_name(all[i]))) {
			*dst = all[i];
			return 0;
		}
	}
	set_error(c->msgs, "%s:%u: %s = \"%s\": expected destroy, restart or preserve",
		  c->file, v->line, key, v->str);
	return -1;
}

static int set_key(struct ctx *c, enum cfg_key k, const char *key,
		   const struct value *v)
{
	struct dom_config *cfg = c->cfg;
	char err[CFG_MSG_MAX - 64];
	unsigned int i;

	switch (k) {
	case CFG_KEY_NAME:
		return set_str(c, key, v, cfg->name, sizeof(cfg->name));
	case CFG_KEY_KERNEL:
		return set_str(c, key, v, cfg->kernel, sizeof(cfg->kernel));
	case CFG_KEY_RAMDISK:
		return set_str(c, key, v, cfg->ramdisk, sizeof(cfg->ramdisk));
	case CFG_KEY_EXTRA:
		return set_str(c, key, v, cfg->extra, sizeof(cfg->extra));
	case CFG_KEY_CMDLINE:
		return set_str(c, key, v, cfg->cmdline, sizeof(cfg->cmdline));
	case CFG_KEY_ROOT:
		return set_str(c, key, v, cfg->root, sizeof(cfg->root));
	case CFG_KEY_MEMORY:
	case CFG_KEY_MAXMEM:
		if (want(c, key, v, V_NUMBER))
			return -1;
		if (k == CFG_KEY_MEMORY)
			cfg->memory_mb = v->num;
		else
			cfg->maxmem_mb = v->num;	/* checked against memory in validate */
		return 0;
	case CFG_KEY_VCPUS:
		if (want(c, key, v, V_NUMBER))
			return -1;
		if (v->num < 1 || v->num > WARD_CTL_MAX_VCPUS) {
			set_error(c->msgs, "%s:%u: vcpus = %" PRIu64 ": must be 1..%d",
				  c->file, v->line, v->num, WARD_CTL_MAX_VCPUS);
			return -1;
		}
		cfg->vcpus = v->num;
		return 0;
	case CFG_KEY_TYPE:
		if (want(c, key, v, V_STRING))
			return -1;
		if (strcmp(v->str, "pv")) {
			set_error(c->msgs, "%s:%u: type = \"%s\": only \"pv\" guests are supported",
				  c->file, v->line, v->str);
			return -1;
		}
		return 0;
	case CFG_KEY_DISK:
		if (want(c, key, v, V_LIST))
			return -1;
		if (v->nr_items > CFG_MAX_DISKS) {
			set_error(c->msgs, "%s:%u: more than %d disks", c->file,
				  v->line, CFG_MAX_DISKS);
			return -1;
		}
		for (i = 0; i < v->nr_items; i++) {
			if (config_parse_disk(v->items[i], &cfg->disks[i], err,
					      sizeof(err))) {
				set_error(c->msgs, "%s:%u: disk '%s': %s", c->file,
					  v->line, v->items[i], err);
				return -1;
			}
			cfg->disks[i].line = v->line;
		}
		cfg->nr_disks = v->nr_items;
		return 0;
	case CFG_KEY_VIF:
		if (want(c, key, v, V_LIST))
			return -1;
		if (v->nr_items > CFG_MAX_VIFS) {
			set_error(c->msgs, "%s:%u: more than %d vifs", c->file,
				  v->line, CFG_MAX_VIFS);
			return -1;
		}
		for (i = 0; i < v->nr_items; i++) {
			if (config_parse_vif(v->items[i], &cfg->vifs[i], err,
					     sizeof(err))) {
				set_error(c->msgs, "%s:%u: vif '%s': %s", c->file,
					  v->line, v->items[i], err);
				return -1;
			}
			cfg->vifs[i].line = v->line;
		}
		cfg->nr_vifs = v->nr_items;
		return 0;
	case CFG_KEY_ON_POWEROFF:
		return set_action(c, key, v, &cfg->on_poweroff);
	case CFG_KEY_ON_REBOOT:
		return set_action(c, key, v, &cfg->on_reboot);
	case CFG_KEY_ON_CRASH:
		return set_action(c, key, v, &cfg->on_crash);
	case CFG_NR_KEYS:
		break;
	}
	return -1;
}

static const char *const key_names[CFG_NR_KEYS] = {
	[CFG_KEY_NAME] = "name", [CFG_KEY_MEMORY] = "memory",
	[CFG_KEY_VCPUS] = "vcpus", [CFG_KEY_KERNEL] = "kernel",
	[CFG_KEY_RAMDISK] = "ramdisk", [CFG_KEY_EXTRA] = "extra",
	[CFG_KEY_CMDLINE] = "cmdline", [CFG_KEY_ROOT] = "root",
	[CFG_KEY_DISK] = "disk", [CFG_KEY_VIF] = "vif",
	[CFG_KEY_ON_POWEROFF] = "on_poweroff", [CFG_KEY_ON_REBOOT] = "on_reboot",
	[CFG_KEY_ON_CRASH] = "on_crash", [CFG_KEY_TYPE] = "type",
	[CFG_KEY_MAXMEM] = "maxmem",
};

static int find_key(const char *name)
{
	int k;

	for (k = 0; k < CFG_NR_KEYS; k++)
		if (!strcmp(name, key_names[k]))
			return k;
	return -1;
}

/* ---- statements ------------------------------------------------------ */

int config_parse(const char *text, const char *file, struct dom_config *cfg,
		 struct cfg_msgs *msgs)
{
	static char items[CFG_MAX_LIST][CFG_STR_MAX];	/* parse is not reentrant */
	struct lexer lx = { .p = text, .line = 1, .file = file, .msgs = msgs };
	struct ctx c = { .cfg = cfg, .msgs = msgs, .file = file };
	struct token t, eq, end;
	struct value v = { .items = items };
	int k;

	memset(cfg, 0, sizeof(*cfg));
	memset(msgs, 0, sizeof(*msgs));
	cfg->memory_mb = CFG_DEFAULT_MEMORY_MB;
	cfg->vcpus = 1;
	cfg->on_poweroff = CFG_ACTION_DESTROY;
	cfg->on_reboot = CFG_ACTION_RESTART;
	cfg->on_crash = CFG_ACTION_DESTROY;

	for (;;) {
		if (lex_next(&lx, &t))
			return -1;
		if (t.type == T_EOF)
			break;
		if (t.type == T_EOL)
			continue;
		if (t.type != T_IDENT) {
			set_error(msgs, "%s:%u: expected KEY = VALUE", file, t.line);
			return -1;
		}
		if (lex_next(&lx, &eq))
			return -1;
		if (eq.type != T_EQ) {
			set_error(msgs, "%s:%u: expected '=' after %s", file,
				  t.line, t.text);
			return -1;
		}
		if (parse_value(&lx, &v))
			return -1;
		if (lex_next(&lx, &end))
			return -1;
		if (end.type != T_EOL && end.type != T_EOF) {
			set_error(msgs, "%s:%u: junk after the value of %s", file,
				  end.line, t.text);
			return -1;
		}

		k = find_key(t.text);
		if (k < 0) {
			add_warning(msgs, "%s:%u: unknown key '%s' ignored", file,
				    t.line, t.text);
			continue;
		}
		if (cfg->line[k]) {
			set_error(msgs, "%s:%u: %s is set twice (first on line %u)",
				  file, t.line, t.text, cfg->line[k]);
			return -1;
		}
		cfg->line[k] = t.line;
		if (set_key(&c, k, t.text, &v))
			return -1;
		if (end.type == T_EOF)
			break;
	}
	return 0;
}

/* ---- disk specs ------------------------------------------------------ */

uint32_t config_vdev_number(const char *vdev)
{
	unsigned int disk = 0, part = 0, letters = 0;
	const char *p;

	if (strncmp(vdev, "xvd", 3))
		return 0;
	/* Letters count like spreadsheet columns: a..z, aa..zz. */
	for (p = vdev + 3; *p >= 'a' && *p <= 'z'; p++, letters++)
		disk = disk * 26 + (unsigned int)(*p - 'a' + 1);
	if (letters == 0 || letters > 2)
		return 0;
	disk--;
	if (*p) {
		char *end;
		unsigned long n;

		if (!isdigit((unsigned char)*p) || *p == '0')
			return 0;
		n = strtoul(p, &end, 10);
		if (*end)
			return 0;
		part = n;
	}
	if (disk < XVD_MINORS && part < XVD_MINORS)
		return (XVD_MAJOR << 8) | (disk * XVD_MINORS) | part;
	if (part > 255)
		return 0;
	return XVD_EXT_FLAG | (disk << 8) | part;
}

/*
 * "r"/"ro", "w"/"rw", or "w!"/"rw!": read-write and shared even while
 * another domain uses the disk (the disk-in-use check is skipped, as xl
 * skips it for "w!").
 */
static int parse_access(const char *s, bool *writable, bool *force)
{
	*force = false;
	if (!strcmp(s, "w!") || !strcmp(s, "rw!")) {
		*writable = true;
		*force = true;
		return 0;
	}
	if (!strcmp(s, "w") || !strcmp(s, "rw")) {
		*writable = true;
		return 0;
	}
	if (!strcmp(s, "r") || !strcmp(s, "ro")) {
		*writable = false;
		return 0;
	}
	return -1;
}

static bool is_access(const char *s)
{
	bool w, f;

	return parse_access(s, &w, &f) == 0;
}

/* Strip blanks at both ends, in place. */
static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

#define ERR(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int disk_set(struct cfg_disk *d, const char *key, const char *val,
		    char *err, size_t errlen)
{
	if (!strcmp(key, "target")) {
		if (strlen(val) >= sizeof(d->target))
			ERR("target is too long");
		strcpy(d->target, val);
	} else if (!strcmp(key, "vdev")) {
		if (strlen(val) >= sizeof(d->vdev) || !config_vdev_number(val))
			ERR("vdev '%s' is not an xvd name (xvda, xvdb, ...)", val);
		strcpy(d->vdev, val);
	} else if (!strcmp(key, "access") || !strcmp(key, "mode")) {
		if (parse_access(val, &d->writable, &d->force))
			ERR("access '%s': expected r, ro, w, rw or w! (read-write, shared by force)", val);
	} else if (!strcmp(key, "format")) {
		if (*val && strcmp(val, "raw"))
			ERR("format '%s': only raw images are supported", val);
	} else if (!strcmp(key, "devtype")) {
		if (!strcmp(val, "cdrom"))
			d->cdrom = true;
		else if (strcmp(val, "disk"))
			ERR("devtype '%s': expected disk or cdrom", val);
	} else if (!strcmp(key, "backendtype")) {
		if (strcmp(val, "phy"))
			ERR("backendtype '%s': only phy (blkback) is supported", val);
	} else {
		ERR("unknown parameter '%s'", key);
	}
	return 0;
}

/* "file:/img", "phy:/dev/x", "raw:/img", "aio:/img": the legacy prefixes. */
static const char *strip_prefix(const char *target)
{
	static const char *const prefixes[] = {
		"file:", "phy:", "raw:", "aio:", "tap:aio:", "tap2:aio:",
	};
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		n = strlen(prefixes[i]);
		if (!strncmp(target, prefixes[i], n))
			return target + n;
	}
	return target;
}

int config_parse_disk(const char *spec, struct cfg_disk *d, char *err,
		      size_t errlen)
{
	char buf[CFG_STR_MAX], *pos[4], *tok, *next, *eq;
	unsigned int npos = 0, i;
	static const char *const order[] = { "target", "format", "vdev", "access" };

	memset(d, 0, sizeof(*d));
	d->writable = true;
	if (strlen(spec) >= sizeof(buf))
		ERR("too long");
	strcpy(buf, spec);

	for (tok = buf; tok; tok = next) {
		/* target= takes the rest of the spec: paths may hold commas. */
		char *t = tok;

		while (isspace((unsigned char)*t))
			t++;
		if (!strncmp(t, "target", 6) && t[6 + strspn(t + 6, " \t")] == '=') {
			next = NULL;
		} else {
			next = strchr(tok, ',');
			if (next)
				*next++ = '\0';
		}
		tok = trim(tok);
		eq = strchr(tok, '=');
		if (eq && strncmp(tok, "/", 1)) {
			*eq = '\0';
			if (disk_set(d, trim(tok), trim(eq + 1), err, errlen))
				return -1;
			continue;
		}
		if (npos >= ARRAY_SIZE(pos))
			ERR("too many positional parameters");
		pos[npos++] = tok;
	}

	/* The legacy form 'prefix:target,vdev,access' has three positionals. */
	if (npos == 3 && (config_vdev_number(pos[1]) || is_access(pos[2]))) {
		pos[3] = pos[2];
		pos[2] = pos[1];
		pos[1] = "";
		npos = 4;
	}
	for (i = 0; i < npos; i++) {
		const char *val = pos[i];

		if (i == 0)
			val = strip_prefix(val);
		if (!*val)
			continue;
		if (disk_set(d, order[i], val, err, errlen))
			return -1;
	}
	if (!d->target[0])
		ERR("no target (image file or device)");
	if (!d->vdev[0])
		ERR("no vdev (e.g. xvda)");
	d->virtual_device = config_vdev_number(d->vdev);
	if (d->cdrom) {
		d->writable = false;
		d->force = false;
	}
	return 0;
}

/* ---- vif specs ------------------------------------------------------- */

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int i, v;
	char *end;

	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			return -1;
		v = strtoul((char[]){ s[0], s[1], '\0' }, &end, 16);
		mac[i] = v;
		s += 2;
		if (i < 5 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

int config_parse_vif(const char *spec, struct cfg_vif *vif, char *err,
		     size_t errlen)
{
	char buf[CFG_STR_MAX], *tok, *next, *eq, *key, *val;

	memset(vif, 0, sizeof(*vif));
	strcpy(vif->bridge, "xenbr0");
	strcpy(vif->script, "vif-bridge");
	if (strlen(spec) >= sizeof(buf))
		ERR("too long");
	strcpy(buf, spec);

	for (tok = buf; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = '\0';
		tok = trim(tok);
		if (!*tok)
			continue;
		eq = strchr(tok, '=');
		if (!eq)
			ERR("'%s' is not KEY=VALUE", tok);
		*eq = '\0';
		key = trim(tok);
		val = trim(eq + 1);
		if (!strcmp(key, "mac")) {
			if (parse_mac(val, vif->mac))
				ERR("mac '%s': expected six hex pairs like " MAC_OUI_XEN ":01:02:03", val);
			if (vif->mac[0] & 1)
				ERR("mac '%s' is a multicast address", val);
			vif->mac_set = true;
		} else if (!strcmp(key, "bridge")) {
			/* IFNAMSIZ is 16 with the NUL. */
			if (!*val || strlen(val) > 15 || strchr(val, '/'))
				ERR("bridge '%s' is not an interface name", val);
			strcpy(vif->bridge, val);
		} else if (!strcmp(key, "script")) {
			if (!*val || strlen(val) >= sizeof(vif->script))
				ERR("script must be 1..%zu characters", sizeof(vif->script) - 1);
			strcpy(vif->script, val);
		} else if (!strcmp(key, "type")) {
			if (strcmp(val, "vif"))
				ERR("type '%s': only vif (netback) is supported", val);
		} else if (!strcmp(key, "ip") || !strcmp(key, "model")) {
			/* xl passes these to scripts/emulators; nothing reads them here. */
		} else {
			ERR("unknown parameter '%s'", key);
		}
	}
	return 0;
}

#undef ERR

/* ---- results --------------------------------------------------------- */

uint64_t config_maxmem_mb(const struct dom_config *cfg)
{
	return cfg->maxmem_mb > cfg->memory_mb ? cfg->maxmem_mb : cfg->memory_mb;
}

const char *config_action_name(enum cfg_action a)
{
	switch (a) {
	case CFG_ACTION_DESTROY: return "destroy";
	case CFG_ACTION_RESTART: return "restart";
	case CFG_ACTION_PRESERVE: return "preserve";
	}
	return "?";
}

void config_cmdline(const struct dom_config *cfg, char *buf, size_t len)
{
	if (cfg->cmdline[0])
		snprintf(buf, len, "%s", cfg->cmdline);
	else if (cfg->root[0])
		snprintf(buf, len, "root=%s%s%s", cfg->root,
			 cfg->extra[0] ? " " : "", cfg->extra);
	else
		snprintf(buf, len, "%s", cfg->extra);
}

bool config_valid_name(const char *name)
{
	const char *p;
	bool digits_only = true;

	for (p = name; *p; p++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
		if (!isdigit((unsigned char)*p))
			digits_only = false;
	}
	/* An all-digit name could not be told from a domid on the command line. */
	return *name && !digits_only;
}

int config_validate(const struct dom_config *cfg, const char *file,
		    const struct cfg_env *env, struct cfg_msgs *msgs)
{
	uint64_t min_mb = WARD_CTL_MIN_MEM_KB / 1024;
	char cmdline[CFG_STR_MAX + 8];
	unsigned int i, j;
	int rc;

	if (!cfg->name[0]) {
		set_error(msgs, "%s: no name = \"...\" given", file);
		return -1;
	}
	if (!config_valid_name(cfg->name)) {
		set_error(msgs, "%s:%u: name \"%s\": use letters, digits, '-', '_' and '.', not only digits",
			  file, cfg->line[CFG_KEY_NAME], cfg->name);
		return -1;
	}
	if (env->name_in_use && env->name_in_use(cfg->name, env->arg)) {
		set_error(msgs, "%s:%u: a domain called \"%s\" already exists",
			  file, cfg->line[CFG_KEY_NAME], cfg->name);
		return -1;
	}
	if (!cfg->kernel[0]) {
		set_error(msgs, "%s: no kernel = \"...\" given", file);
		return -1;
	}
	if (cfg->memory_mb < min_mb) {
		set_error(msgs, "%s:%u: memory = %" PRIu64 " MiB is below the minimum of %" PRIu64 " MiB",
			  file, cfg->line[CFG_KEY_MEMORY], cfg->memory_mb, min_mb);
		return -1;
	}
	if (cfg->memory_mb > env->free_kb / 1024) {
		set_error(msgs, "%s:%u: memory = %" PRIu64 " MiB is more than the %" PRIu64 " MiB free",
			  file, cfg->line[CFG_KEY_MEMORY], cfg->memory_mb,
			  env->free_kb / 1024);
		return -1;
	}
	if (cfg->maxmem_mb && cfg->maxmem_mb < cfg->memory_mb) {
		set_error(msgs, "%s:%u: maxmem = %" PRIu64 " MiB is below memory = %" PRIu64 " MiB; make it at least memory (or leave it out)",
			  file, cfg->line[CFG_KEY_MAXMEM], cfg->maxmem_mb,
			  cfg->memory_mb);
		return -1;
	}
	config_cmdline(cfg, cmdline, sizeof(cmdline));
	if (strlen(cmdline) >= WARD_CTL_CMDLINE_MAX) {
		set_error(msgs, "%s: the kernel command line is longer than %d characters",
			  file, WARD_CTL_CMDLINE_MAX - 1);
		return -1;
	}
	rc = env->path_ok(cfg->kernel);
	if (rc) {
		set_error(msgs, "%s:%u: kernel \"%s\": %s", file,
			  cfg->line[CFG_KEY_KERNEL], cfg->kernel, strerror(rc));
		return -1;
	}
	if (cfg->ramdisk[0]) {
		rc = env->path_ok(cfg->ramdisk);
		if (rc) {
			set_error(msgs, "%s:%u: ramdisk \"%s\": %s", file,
				  cfg->line[CFG_KEY_RAMDISK], cfg->ramdisk,
				  strerror(rc));
			return -1;
		}
	}
	for (i = 0; i < cfg->nr_disks; i++) {
		const struct cfg_disk *d = &cfg->disks[i];

		rc = env->path_ok(d->target);
		if (rc) {
			set_error(msgs, "%s:%u: disk \"%s\": %s", file, d->line,
				  d->target, strerror(rc));
			return -1;
		}
		for (j = 0; j < i; j++) {
			if (cfg->disks[j].virtual_device == d->virtual_device) {
				set_error(msgs, "%s:%u: vdev %s is used by two disks",
					  file, d->line, d->vdev);
				return -1;
			}
		}
	}
	for (i = 0; i < cfg->nr_vifs; i++) {
		for (j = 0; j < i; j++) {
			if (cfg->vifs[i].mac_set && cfg->vifs[j].mac_set &&
			    !memcmp(cfg->vifs[i].mac, cfg->vifs[j].mac, 6)) {
				set_error(msgs, "%s:%u: two vifs have the same mac",
					  file, cfg->vifs[i].line);
				return -1;
			}
		}
	}
	return 0;
}
