/* SPDX-License-Identifier: MIT */
/* Kernel symbols from System.map, for naming crash points. */
#ifndef SYM_H
#define SYM_H

#include <stddef.h>
#include <stdint.h>

struct symtab;

/* Load the text symbols of a System.map. NULL path: an empty table. */
int symtab_load(struct symtab **s, const char *path, char *err, size_t len);
void symtab_free(struct symtab *s);
/* "name+0xoff", or the hex address when unknown, into buf. */
const char *symtab_name(const struct symtab *s, uint64_t addr, char *buf,
			size_t len);

#endif /* SYM_H */
