// SPDX-License-Identifier: MIT
/* Region set: parsing, validation and lookup by guest-physical address. */
#include "regions.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "daxlab/num.h"

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= REGION_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-' && name[i] != '.')
			return false;
	return true;
}

int regions_add(struct region_set *s, uint64_t base, uint64_t size,
		const char *name, char *err, size_t errlen)
{
	char def[REGION_NAME_MAX];
	unsigned pos;

	if (size == 0 || base + size < base) {
		snprintf(err, errlen, "region 0x%llx+0x%llx: size is zero or "
			 "the range wraps", (unsigned long long)base,
			 (unsigned long long)size);
		return -1;
	}
	if (s->n == REGIONS_MAX) {
		snprintf(err, errlen, "more than %d regions", REGIONS_MAX);
		return -1;
	}
	if (!name || !*name) {
		snprintf(def, sizeof(def), "pmem%u", s->n);
		name = def;
	}
	if (!valid_name(name)) {
		snprintf(err, errlen, "region name '%s': use 1-%d characters "
			 "from [A-Za-z0-9_.-]", name, REGION_NAME_MAX - 1);
		return -1;
	}
	for (pos = 0; pos < s->n; pos++) {
		const struct region *r = &s->r[pos];

		if (base < r->base + r->size && r->base < base + size) {
			snprintf(err, errlen, "region 0x%llx+0x%llx overlaps "
				 "%s at 0x%llx+0x%llx",
				 (unsigned long long)base,
				 (unsigned long long)size, r->name,
				 (unsigned long long)r->base,
				 (unsigned long long)r->size);
			return -1;
		}
		if (base < r->base)
			break;
	}
	memmove(&s->r[pos + 1], &s->r[pos], (s->n - pos) * sizeof(s->r[0]));
	s->r[pos].base = base;
	s->r[pos].size = size;
	snprintf(s->r[pos].name, sizeof(s->r[pos].name), "%s", name);
	s->n++;
	return 0;
}

int regions_add_spec(struct region_set *s, const char *spec, char *err,
		     size_t errlen)
{
	char buf[128], why[160], *size_s, *name;
	uint64_t base, size;

	if (strlen(spec) >= sizeof(buf)) {
		snprintf(err, errlen, "region=%s: too long", spec);
		return -1;
	}
	strcpy(buf, spec);
	size_s = strchr(buf, ':');
	if (!size_s) {
		snprintf(err, errlen, "region=%s: expected BASE:SIZE[:NAME]",
			 spec);
		return -1;
	}
	*size_s++ = '\0';
	name = strchr(size_s, ':');
	if (name)
		*name++ = '\0';
	if (dx_parse_size(buf, 0, UINT64_MAX, &base, "BASE", why, sizeof(why)) ||
	    dx_parse_size(size_s, 1, UINT64_MAX, &size, "SIZE", why,
			  sizeof(why))) {
		snprintf(err, errlen, "region=%s: %s", spec, why);
		return -1;
	}
	return regions_add(s, base, size, name, err, errlen);
}

const struct region *regions_find(const struct region_set *s, uint64_t addr,
				  uint64_t len, uint64_t *start,
				  uint64_t *clipped)
{
	uint64_t end = addr + len < addr ? UINT64_MAX : addr + len;

	for (unsigned i = 0; i < s->n; i++) {
		const struct region *r = &s->r[i];
		uint64_t rend = r->base + r->size;

		if (addr < rend && r->base < end) {
			*start = addr > r->base ? addr : r->base;
			*clipped = (end < rend ? end : rend) - *start;
			return r;
		}
	}
	return NULL;
}
