/* SPDX-License-Identifier: MIT */
/*
 * Strict number parsing for command lines, plugin arguments and config
 * values. One set of rules for every program:
 *
 *  - decimal, or hexadecimal after "0x"/"0X"; never octal: "010" is ten;
 *  - no sign on unsigned values ("-1" is an error, never 2^64-1), and
 *    never a '+'; '-' only where the value is signed;
 *  - no leading or trailing spaces or other characters, no empty value;
 *  - the result must lie in [min, max], or it is an error.
 *
 * On error the functions return -1 and, when err is not NULL, write one
 * message into it:   WHAT: 'TEXT' is not an unsigned integer (...)
 *                    WHAT: TEXT is out of range [MIN, MAX]
 * where WHAT names the option ("--seed", "max_trace_bytes"); a NULL what
 * leaves the "WHAT: " prefix out. On success they return 0 and store the
 * value; *out is left alone on error.
 */
#ifndef DAXLAB_NUM_H
#define DAXLAB_NUM_H

#include <stddef.h>
#include <stdint.h>

/* The value of one hex digit (either case), -1 for anything else. */
int dx_hex_digit(char c);

/* Unsigned integer: decimal or 0x hex. */
int dx_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char *what, char *err, size_t errlen);

/* Signed integer: an optional '-' then decimal or 0x hex. */
int dx_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
		 const char *what, char *err, size_t errlen);

/*
 * Real number: [-]DIGITS[.DIGITS][e[-|+]DIGITS] (".5" and "5." too),
 * decimal only; inf, nan and hex floats are errors. A '-' is an error
 * when min >= 0.
 */
int dx_parse_double(const char *s, double min, double max, double *out,
		    const char *what, char *err, size_t errlen);

/*
 * Size in bytes: an unsigned integer (decimal or 0x hex) and an optional
 * binary suffix: B; K, k, Ki, KiB; M, m, Mi, MiB; G, g, Gi, GiB; T, t,
 * Ti, TiB (K = 1024). Hex digits are taken greedily, so "0x1B" is 27.
 */
int dx_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  const char *what, char *err, size_t errlen);

#define DX_NS_PER_US	UINT64_C(1000)
#define DX_NS_PER_MS	UINT64_C(1000000)
#define DX_NS_PER_S	UINT64_C(1000000000)
#define DX_NS_PER_MIN	(60 * DX_NS_PER_S)
#define DX_NS_PER_H	(3600 * DX_NS_PER_S)

/*
 * Duration in nanoseconds: decimal digits with an optional fraction and a
 * unit: ns, us, ms, s, m or min, h ("1.5s", "250us", "2m"). A bare number
 * is in bare_unit_ns (DX_NS_PER_S for seconds); bare_unit_ns 0 makes the
 * unit mandatory. A fraction finer than 1 ns is an error, never rounded.
 */
int dx_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t min_ns,
		      uint64_t max_ns, uint64_t *ns, const char *what,
		      char *err, size_t errlen);

/* A size for people: 4096 -> "4K", 3145728 -> "3M", 1000 -> "1000". */
void dx_format_size(uint64_t bytes, char *buf, size_t len);

/* A duration for people: "5s", "100ms", "250us" or "17ns". */
void dx_format_duration(uint64_t ns, char *buf, size_t len);

#endif /* DAXLAB_NUM_H */
