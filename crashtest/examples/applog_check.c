// SPDX-License-Identifier: MIT
/*
 * applog-check IMAGE: external checker for `pmsim check --checker`.
 * Promised appends come from PMSIM_MARKS (the ids of the marks reached,
 * one per append). Exit 0 consistent, 1 inconsistent, 2 usage or I/O
 * error.
 * applog-check --server: the same judgement (applog_checker) for `pmsim
 * check --checker-server`, every state over the protocol (pmsim_serve).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applog.h"

int main(int argc, char **argv)
{
	static unsigned char img[APPLOG_SIZE];
	const char *marks = getenv("PMSIM_MARKS");
	uint64_t promised = 0;
	char why[200];
	FILE *f;

	if (argc == 2 && !strcmp(argv[1], "--server")) {
		struct pmsim_checker chk = { .check = applog_checker, .name = "applog" };

		if (pmsim_serve(&chk)) {
			fprintf(stderr, "applog-check: %s\n", pmsim_errmsg());
			return 2;
		}
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: applog-check IMAGE | applog-check --server\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fread(img, 1, sizeof(img), f) != sizeof(img)) {
		fprintf(stderr, "applog-check: cannot read %s\n", argv[1]);
		if (f)
			fclose(f);
		return 2;
	}
	fclose(f);
	if (marks && *marks)
		for (promised = 1; *marks; marks++)
			promised += *marks == ',';
	if (applog_check(img, promised, why, sizeof(why))) {
		fprintf(stderr, "applog-check: %s\n", why);
		return 1;
	}
	return 0;
}
