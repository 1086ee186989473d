/* SPDX-License-Identifier: MIT */
/*
 * Torn sectors: fsdax pmem makes 8-byte pieces atomic, not sectors (BTT,
 * which does, cannot be used with DAX). A crash state in which one
 * 512-byte sector holds some of the kernel's new pieces and lacks others
 * shows an in-place block write caught half done, the usual cause of a
 * checksum failure in recovery.
 */
#ifndef TORN_H
#define TORN_H

#include <stddef.h>
#include <stdint.h>

#include "pmsim.h"

#define TORN_SECTOR 512u

struct torn_sector {
	uint64_t offset;	/* of the sector, from base */
	unsigned lost, persisted;	/* kernel pieces of the crash state */
};

/*
 * Sectors at or above base in which the kernel's pending pieces of
 * violation pv were partly persisted and partly lost. Fills up to max
 * entries of out in offset order and returns how many sectors are torn.
 */
size_t torn_sectors(const struct pmsim_trace *t,
		    const struct pmsim_violation *pv, uint64_t base,
		    struct torn_sector *out, size_t max);

#endif /* TORN_H */
