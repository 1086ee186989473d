/* SPDX-License-Identifier: MIT */
/*
 * Kernel symbols from a System.map ("ADDRESS TYPE NAME" lines, address in
 * hex): name -> address for any symbol (page_offset_base is data), and
 * address -> function for the text symbols (types t, T, w, W): names for
 * crash points (ctoracle), a function index for per-function counters
 * (pmcount).
 */
#ifndef DAXLAB_SYMMAP_H
#define DAXLAB_SYMMAP_H

#include <stddef.h>
#include <stdint.h>

struct dx_symmap;

/*
 * Load path. NULL path gives an empty map (no symbols, every lookup
 * misses). Returns 0, or -1 with a message naming the path in err: the
 * file cannot be read, a line is not "ADDRESS TYPE NAME" (its number is
 * given: the file is not a System.map), or it has no text symbol. *m is
 * NULL after an error.
 */
int dx_symmap_load(struct dx_symmap **m, const char *path, char *err,
		   size_t errlen);
void dx_symmap_free(struct dx_symmap *m);

/* Number of symbols of every type. */
size_t dx_symmap_count(const struct dx_symmap *m);

/* The address of the first symbol called name in the file: 1, or 0 if absent. */
int dx_symmap_addr(const struct dx_symmap *m, const char *name,
		   uint64_t *addr);

/*
 * "name+0xoff (0xaddr)" for the last text symbol at or below addr, or
 * "0xaddr" when there is none within DX_SYMMAP_LAST_SPAN or addr is 0.
 */
const char *dx_symmap_describe(const struct dx_symmap *m, uint64_t addr,
			       char *buf, size_t len);

/*
 * Functions: the distinct nonzero addresses of the text symbols, in
 * address order, numbered 0..dx_symmap_nfuncs()-1. Aliases at one
 * address are one function, named by the alias with the fewest leading
 * underscores, then global before local and strong before weak, then the
 * first in the file: the same System.map always gives the same names.
 */
size_t dx_symmap_nfuncs(const struct dx_symmap *m);
uint64_t dx_symmap_func_addr(const struct dx_symmap *m, size_t i);
const char *dx_symmap_func_name(const struct dx_symmap *m, size_t i);

/*
 * The function holding addr: the last one at or below it. The last
 * function spans DX_SYMMAP_LAST_SPAN bytes. Returns -1 below the first
 * function or past that span (module or generated code).
 */
#define DX_SYMMAP_LAST_SPAN 0x100000
long dx_symmap_func_index(const struct dx_symmap *m, uint64_t addr);

#endif /* DAXLAB_SYMMAP_H */
