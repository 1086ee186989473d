/* SPDX-License-Identifier: MIT */
/* Reproducer files (PMSIM.md, "Reports and reproducers"): the reader, and
 * the registry of temporary files a signal handler removes. */
#ifndef PMSIM_REPRO_H
#define PMSIM_REPRO_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct pms_repro {
	char *trace;
	uint64_t event, window;
	int eadr, per_word;
	struct pmsim_piece *p;
	size_t n, cap;
};

/* Parse a reproducer held in memory; name is for messages. Errors are
 * PMSIM_ERR_INPUT (or RESOURCES); rp is to be freed either way. */
int pms_repro_parse(const char *text, size_t len, const char *name,
		    struct pms_repro *rp);
/* Read and parse a reproducer file. */
int pms_repro_load(const char *path, struct pms_repro *rp);
void pms_repro_free(struct pms_repro *rp);

/* Temporary files removed by pmsim_signal_cleanup() (a few at a time). */
void pms_temp_add(const char *path);
void pms_temp_remove(const char *path);

#endif
