/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbols from System.map: names for crash points (ctoracle) and
 * an address -> function index for per-function counters (pmcount).
 */
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

/*
 * Functions: the distinct nonzero addresses of the text symbols, in
 * address order, numbered 0..symtab_nfuncs()-1. Aliases at one address
 * are one function, named by the alias with the fewest leading
 * underscores, then global before local and strong before weak, then the
 * first in the file: the same System.map always gives the same names.
 */
size_t symtab_nfuncs(const struct symtab *s);
uint64_t symtab_func_addr(const struct symtab *s, size_t i);
const char *symtab_func_name(const struct symtab *s, size_t i);
/*
 * The function holding addr: the last one at or below it. The last
 * function spans SYMTAB_LAST_SPAN bytes. Returns -1 below the first
 * function or past that span (module or generated code).
 */
#define SYMTAB_LAST_SPAN 0x100000
long symtab_func_index(const struct symtab *s, uint64_t addr);

#endif /* SYM_H */
