/* Small helpers shared by the subcommand files. */
#ifndef DAXWL_CMD_UTIL_H
#define DAXWL_CMD_UTIL_H
#include <stddef.h>
#include <stdint.h>

#include "daxwl.h"
#include "order.h"

struct worker;

extern const char *const rw_names[];	/* "read", "write", "mixed" */
enum { RW_READ, RW_WRITE, RW_MIXED };

/* Measured op budget per thread: --iterations, else unlimited under --runtime, else per_pass. */
static inline uint64_t cmd_op_budget(const struct daxwl_run *r, uint64_t per_pass)
{
	if (r->c.iterations)
		return r->c.iterations;
	return r->c.runtime ? 0 : per_pass;
}

/* Aligned buffer for I/O (page-aligned, so O_DIRECT accepts it). */
void *cmd_alloc_buf(uint64_t len);
/* w's buffer of len bytes, or NULL with w->err saying how much was missing. */
void *cmd_worker_buf(struct worker *w, uint64_t len);
/* order_init for w's n blocks, with w->err set when the memory is not there. */
int cmd_order_init(struct worker *w, struct order *o, uint64_t n, int kind);
/* MAP_SYNC on the target, or DX_EXIT_UNSUPPORTED saying why not. */
int cmd_probe_map_sync(struct daxwl_run *r, const char *why);

/*
 * The I/O subcommands (rw, odirect): the access mode they share, first
 * in their params struct, its options, the read/write counters and the
 * per-op read check.
 */
struct io_mode {
	int rw, order;
	uint64_t mix;		/* percent reads of --rw mixed */
};
enum { CNT_READS, CNT_WRITES };

#define IO_MODE_OPTS(T)                                                       \
	{ .name = "rw", .type = OPT_ENUM, .off = offsetof(T, io.rw),          \
	  .help = "read, write or a mix of both", .choices = rw_names },      \
	{ .name = "mix", .type = OPT_UINT, .off = offsetof(T, io.mix),        \
	  .help = "percent of reads in --rw mixed", .min = 0, .max = 100 },   \
	{ .name = "order", .type = OPT_ENUM, .off = offsetof(T, io.order),    \
	  .help = "sequential or random offsets", .choices = order_names }

/* --bs a multiple of 512 in [512, 16M]; sets r->need and r->unit. */
int io_check(struct daxwl_run *r, const struct io_mode *m);
/* Is the next op a read? */
bool io_pick_read(struct worker *w, const struct io_mode *m);
/* Counts a completed op of the measured phase (time t0..t1) as a read or write. */
void io_record(struct worker *w, bool rd, uint64_t ns);
/*
 * A read or write that did not transfer --bs bytes (got: what it returned,
 * en: its errno). Not supported: EOPNOTSUPP, and EINVAL under O_DIRECT
 * (direct); not enough resources: a full file system, with what is free.
 */
int io_error(struct worker *w, int en, bool rd, uint64_t off, long got, bool direct);
/* --verify: checks the block read at file offset off. */
void io_check_read(struct worker *w, const void *buf, uint64_t off);
/* read_ops and write_ops of the report. */
void io_report(struct daxwl_run *r, struct dx_json *j);

#endif
