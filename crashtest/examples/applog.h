/* SPDX-License-Identifier: MIT */
/*
 * An append-only log on persistent memory, written with the pm_* API.
 *
 * Layout: the commit record (u64 tail: bytes of log in use) in the first
 * cache line; records from offset 64, each a u64 length and its payload,
 * padded to 8 bytes. An append writes the record, makes it durable, then
 * publishes it by advancing the tail. The buggy variant flushes and fences
 * the commit record before the record's data.
 */
#ifndef PMSIM_APPLOG_H
#define PMSIM_APPLOG_H

#include <stddef.h>
#include <stdint.h>

#include "pmsim.h"

#define APPLOG_BASE 0x100000000ull
#define APPLOG_SIZE 0x10000ull
#define APPLOG_DATA 64u

struct applog {
	struct pm_rec *r;
	uint64_t tail;		/* bytes used after APPLOG_DATA */
	unsigned appended;
	int buggy;
};

/* Payload of record i (deterministic, so the checker knows it). */
size_t applog_payload(unsigned i, unsigned char *buf, size_t size);
/* Region, zero tail; then append n records with a mark after each. */
int applog_init(struct applog *l, struct pm_rec *r, int buggy);
int applog_append(struct applog *l, const void *data, size_t len);
/* Write the whole workload: n appends of applog_payload(i). */
int applog_workload(struct pm_rec *r, int buggy, unsigned n);

/*
 * Recovery's view of an image (APPLOG_SIZE bytes at APPLOG_BASE): every
 * record below the tail must be intact, and at least `promised` records
 * (appends that returned) must be there. 0 = consistent, 1 = not, with a
 * reason in why.
 */
int applog_check(const unsigned char *img, uint64_t promised, char *why,
		 size_t whylen);

/* applog_check as a checker of pmsim_run or pmsim_serve: the promise is
 * the marks reached (one per append that returned); the reason of a
 * violation is left by pmsim_seterr. */
int applog_checker(void *arg, const struct pmsim_image *img,
		   const struct pmsim_crash *c, const uint64_t *changed,
		   size_t nchanged);

#endif
