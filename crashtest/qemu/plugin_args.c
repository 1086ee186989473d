// SPDX-License-Identifier: MIT
/* The KEY=VALUE walk shared by the plugins' argument tables. */
#include "plugin_args.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "daxlab/files.h"

static const struct plugin_arg *find(const struct plugin_arg *t, size_t n,
				     const char *kv, size_t klen)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(t[i].key) == klen && !memcmp(t[i].key, kv, klen))
			return &t[i];
	return NULL;
}

static void unknown(const struct plugin_arg *t, size_t n, const char *arg,
		    char *err, size_t errlen)
{
	int used = snprintf(err, errlen, "unknown argument '%s' (expected",
			    arg);

	for (size_t i = 0; i < n && used > 0 && (size_t)used < errlen; i++)
		used += snprintf(err + used, errlen - (size_t)used, "%s %s=%s",
				 i ? "," : "", t[i].key, t[i].value);
	if (used > 0 && (size_t)used < errlen)
		snprintf(err + used, errlen - (size_t)used, ")");
}

int plugin_args_parse(const struct plugin_arg *t, size_t n, void *cfg,
		      int argc, char **argv, char *err, size_t errlen)
{
	unsigned given[PLUGIN_ARGS_MAX] = { 0 };

	err[0] = '\0';
	if (n > PLUGIN_ARGS_MAX) {
		snprintf(err, errlen, "more than %d keys in the argument table",
			 PLUGIN_ARGS_MAX);
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		const struct plugin_arg *a = eq ? find(t, n, argv[i],
						(size_t)(eq - argv[i])) : NULL;

		if (!a) {
			unknown(t, n, argv[i], err, errlen);
			return -1;
		}
		if (given[a - t]++ && !a->repeat) {
			snprintf(err, errlen, "%s= given twice", a->key);
			return -1;
		}
		if (a->set(cfg, a, eq + 1, err, errlen))
			return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (t[i].required && !given[i]) {
			snprintf(err, errlen, "%s=%s is required", t[i].key,
				 t[i].value);
			return -1;
		}
	return 0;
}

static int plugin_arg_path(void *cfg, const struct plugin_arg *a,
			   const char *v, char *err, size_t errlen)
{
	if (!*v) {
		snprintf(err, errlen, "%s=: empty path", a->key);
		return -1;
	}
	*(const char **)((char *)cfg + a->off) = v;
	return 0;
}

int plugin_arg_output(void *cfg, const struct plugin_arg *a, const char *v,
		      char *err, size_t errlen)
{
	struct stat st;

	if (plugin_arg_path(cfg, a, v, err, errlen))
		return -1;
	/* Opening a FIFO for writing blocks QEMU until a reader comes. */
	if (stat(v, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "%s=%s: %s, not a file to write", a->key,
			 v, S_ISDIR(st.st_mode) ? "a directory" :
			 S_ISFIFO(st.st_mode) ? "a FIFO" : "a special file");
		return -1;
	}
	return 0;
}

int plugin_args_distinct(const char *key, const char *out,
			 const char *other_key, const char *other,
			 char *err, size_t errlen)
{
	if (!out || !other || !dx_same_file(out, other))
		return 0;
	snprintf(err, errlen, "%s=%s: the same file as %s=", key, out,
		 other_key);
	return -1;
}
