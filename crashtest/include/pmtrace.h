/* SPDX-License-Identifier: MIT */
/*
 * pmtrace: the persistent-memory trace format shared by the QEMU tracer
 * plugin and libpmsim. TRACE-FORMAT.md is the prose description; this header
 * is the C definition. Everything on disk is little-endian.
 *
 * The writer below is dependency-free (libc only) so that the tracer plugin
 * can compile lib/pmtrace_write.c directly with -fPIC.
 */
#ifndef PMTRACE_H
#define PMTRACE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMTRACE_MAGIC		"PMTRACE1"	/* 8 bytes, no NUL on disk */
#define PMTRACE_MAGIC_LEN	8
#define PMTRACE_VERSION		1u
#define PMTRACE_HEADER_SIZE	32u
#define PMTRACE_REC_SIZE	24u		/* record header */
#define PMTRACE_ALIGN		8u		/* records start 8-aligned */
#define PMTRACE_MAX_STORE	4096u		/* largest STORE/NTSTORE */
#define PMTRACE_LINE		64u		/* cache-line size */

/* Record types (pmtrace_rec.type). */
enum pmtrace_type {
	PMTRACE_REGION	= 1,	/* addr = base; payload = u64 size, name\0 */
	PMTRACE_STORE	= 2,	/* addr; len = size (1..4096); payload = bytes */
	PMTRACE_NTSTORE	= 3,	/* as STORE, non-temporal */
	PMTRACE_FLUSH	= 4,	/* kind = pmtrace_flush_kind; addr in line */
	PMTRACE_FENCE	= 5,	/* kind = pmtrace_fence_kind */
	PMTRACE_MARK	= 6,	/* addr = id; payload = label\0 */
	PMTRACE_IMAGE	= 7,	/* kind = pmtrace_image_kind */
};

enum pmtrace_flush_kind {
	PMTRACE_FLUSH_CLWB	 = 0,
	PMTRACE_FLUSH_CLFLUSHOPT = 1,
	PMTRACE_FLUSH_CLFLUSH	 = 2,
};

enum pmtrace_fence_kind {
	PMTRACE_FENCE_SFENCE	= 0,
	PMTRACE_FENCE_MFENCE	= 1,
	PMTRACE_FENCE_RMW	= 2,	/* locked read-modify-write */
	PMTRACE_FENCE_XCHG	= 3,
	PMTRACE_FENCE_LFENCE	= 4,	/* no persistence effect */
};

/*
 * A MARK whose label starts with "drain:" claims that every write-back
 * issued before it (a flushed line, a non-temporal store) is durable at
 * that point, as a driver claims when it completes a REQ_FUA bio. The
 * simulator checks the claim; it is not a crash point of its own. The
 * tracer gives such marks this id.
 */
#define PMTRACE_DRAIN_PREFIX	"drain:"
#define PMTRACE_MARK_DRAIN	0xfffffffffffffffeull

static inline int pmtrace_is_drain_label(const char *label)
{
	const char *p = PMTRACE_DRAIN_PREFIX;

	while (*p && *label == *p) {
		p++;
		label++;
	}
	return !*p;
}

enum pmtrace_image_kind {
	PMTRACE_IMAGE_BYTES	= 0,	/* payload = bytes of [addr, addr+len) */
	PMTRACE_IMAGE_FILE	= 1,	/* payload = path\0 of a raw file */
};

/* File header, 32 bytes at offset 0. */
struct pmtrace_header {
	char magic[PMTRACE_MAGIC_LEN];	/* "PMTRACE1" */
	uint32_t version;		/* PMTRACE_VERSION */
	uint32_t header_size;		/* PMTRACE_HEADER_SIZE */
	uint64_t flags;			/* 0 */
	uint64_t reserved;		/* 0 */
};

/* Record header, 24 bytes; followed by len payload bytes, zero-padded to 8. */
struct pmtrace_rec {
	uint8_t type;			/* enum pmtrace_type */
	uint8_t kind;			/* flush/fence/image kind, else 0 */
	uint16_t reserved;		/* 0 */
	uint32_t len;			/* payload bytes */
	uint64_t addr;			/* physical address, or mark id */
	uint64_t pc;			/* instruction address, 0 if unknown */
};

_Static_assert(sizeof(struct pmtrace_header) == PMTRACE_HEADER_SIZE,
	       "pmtrace header layout");
_Static_assert(sizeof(struct pmtrace_rec) == PMTRACE_REC_SIZE,
	       "pmtrace record layout");

/* Bytes a record occupies on disk, header and padding included. */
static inline uint64_t pmtrace_rec_bytes(uint32_t len)
{
	return PMTRACE_REC_SIZE + (((uint64_t)len + 7u) & ~(uint64_t)7u);
}

/*
 * Buffered writer. Every function returns 0 on success or a negative errno
 * (-EINVAL for an argument the format cannot express, -EIO style errors from
 * write(2)); after an error the writer stays usable only for close. The
 * writer is not thread-safe: a multi-vCPU tracer serialises calls itself.
 */
struct pmtrace_writer;

/* Create (truncate) PATH and write the file header. */
int pmtrace_writer_open(struct pmtrace_writer **w, const char *path);
/* Write to an already open fd (pipe, socket); close() closes it too. */
int pmtrace_writer_fdopen(struct pmtrace_writer **w, int fd);

int pmtrace_write_region(struct pmtrace_writer *w, uint64_t base,
			 uint64_t size, const char *name);
int pmtrace_write_store(struct pmtrace_writer *w, uint64_t addr,
			const void *data, uint32_t size, uint64_t pc);
int pmtrace_write_ntstore(struct pmtrace_writer *w, uint64_t addr,
			  const void *data, uint32_t size, uint64_t pc);
int pmtrace_write_flush(struct pmtrace_writer *w, enum pmtrace_flush_kind kind,
			uint64_t addr, uint64_t pc);
int pmtrace_write_fence(struct pmtrace_writer *w, enum pmtrace_fence_kind kind,
			uint64_t pc);
int pmtrace_write_mark(struct pmtrace_writer *w, uint64_t id,
		       const char *label, uint64_t pc);
/* Initial content; split into several records when len exceeds a u32. */
int pmtrace_write_image(struct pmtrace_writer *w, uint64_t addr,
			const void *data, uint64_t len);
/* Initial content of the region at addr taken from a raw file at PATH. */
int pmtrace_write_image_file(struct pmtrace_writer *w, uint64_t addr,
			     const char *path);
/* Push buffered records to the file (e.g. before the guest powers off). */
int pmtrace_writer_flush(struct pmtrace_writer *w);
/* Flush, close and free; returns the first error seen, if any. */
int pmtrace_writer_close(struct pmtrace_writer *w);

/* Names used by the text form; NULL for an unknown kind. */
const char *pmtrace_flush_name(unsigned kind);
const char *pmtrace_fence_name(unsigned kind);

#ifdef __cplusplus
}
#endif

#endif /* PMTRACE_H */
