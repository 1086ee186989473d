// SPDX-License-Identifier: MIT
/*
 * The in-process API (pm_store() and friends). The trace is written in the
 * binary format into a memory file, so it is parsed by the same reader as
 * traces from the tracer; with a path it also goes to that file.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "daxlab/vec.h"
#include "internal.h"

struct rec_region {
	uint64_t base, size;
	unsigned char *mem;	/* the program's view */
};

struct pm_rec {
	struct pmtrace_writer *mem_w, *file_w;
	int memfd;
	int err;
	int64_t next_mark;
	struct rec_region *reg;
	size_t nreg, regcap;
};

int pm_rec_new(struct pm_rec **rp, const char *path)
{
	struct pm_rec *r = calloc(1, sizeof(*r));
	int fd, e;

	if (!r)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	r->next_mark = 1;
	fd = memfd_create("pmtrace", MFD_CLOEXEC);
	if (fd < 0) {
		free(r);
		return pmsim_seterr("memfd_create: %s", strerror(errno));
	}
	r->memfd = dup(fd);
	e = pmtrace_writer_fdopen(&r->mem_w, fd);
	if (!e && path)
		e = pmtrace_writer_open(&r->file_w, path);
	if (e || r->memfd < 0) {
		if (r->mem_w)
			pmtrace_writer_close(r->mem_w);
		else
			close(fd);
		if (r->memfd >= 0)
			close(r->memfd);
		free(r);
		return pmsim_seterr("%s: %s", path ? path : "trace", strerror(e ? -e : errno));
	}
	*rp = r;
	return 0;
}

void pm_rec_free(struct pm_rec *r)
{
	if (!r)
		return;
	pmtrace_writer_close(r->mem_w);
	if (r->file_w)
		pmtrace_writer_close(r->file_w);
	close(r->memfd);
	for (size_t i = 0; i < r->nreg; i++)
		munmap(r->reg[i].mem, r->reg[i].size);
	free(r->reg);
	free(r);
}

int pm_rec_error(const struct pm_rec *r)
{
	return r->err;
}

/* Run one writer call on both outputs; the first error sticks. */
#define BOTH(r, call_w)                                                    \
	({                                                                 \
		struct pmtrace_writer *w_ = (r)->mem_w;                    \
		int e_ = (r)->err ? (r)->err : (call_w);                   \
		if (!e_ && (r)->file_w) {                                  \
			w_ = (r)->file_w;                                  \
			e_ = (call_w);                                     \
		}                                                          \
		if (e_ && !(r)->err)                                       \
			(r)->err = e_;                                     \
		e_ ? pmsim_seterr("recording: %s", strerror(-e_)) : 0;     \
	})

static struct rec_region *find(struct pm_rec *r, uint64_t addr, size_t len)
{
	for (size_t i = 0; i < r->nreg; i++)
		if (addr >= r->reg[i].base && addr - r->reg[i].base < r->reg[i].size &&
		    len <= r->reg[i].size - (addr - r->reg[i].base))
			return &r->reg[i];
	return NULL;
}

static int fail(struct pm_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail(struct pm_rec *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!r->err)
		r->err = -EINVAL;
	return pmsim_seterr("%s", msg);
}

int pm_region(struct pm_rec *r, uint64_t base, uint64_t size,
	      const char *name)
{
	struct rec_region *nr;
	void *m;

	if ((base | size) % LINE_SIZE || !size || base + size < base)
		return fail(r, "pm_region: base 0x%" PRIx64 " size 0x%" PRIx64
			    " must be non-empty multiples of 64", base, size);
	for (size_t i = 0; i < r->nreg; i++)
		if (base < r->reg[i].base + r->reg[i].size &&
		    r->reg[i].base < base + size)
			return fail(r, "pm_region: [0x%" PRIx64 ", +0x%" PRIx64
				    ") overlaps another region", base, size);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return fail(r, "pm_region: cannot map 0x%" PRIx64 " bytes", size);
	if (DX_RESERVE(r->reg, r->regcap, r->nreg + 1)) {
		munmap(m, size);
		return fail(r, "pm_region: out of memory");
	}
	nr = r->reg;
	nr[r->nreg++] = (struct rec_region){ base, size, m };
	return BOTH(r, pmtrace_write_region(w_, base, size, name));
}

unsigned char *pm_ptr(struct pm_rec *r, uint64_t addr, size_t len)
{
	struct rec_region *g = find(r, addr, len);

	return g ? g->mem + (addr - g->base) : NULL;
}

int pm_image(struct pm_rec *r, uint64_t addr, const void *data, size_t len)
{
	unsigned char *p = pm_ptr(r, addr, len);

	if (!p)
		return fail(r, "pm_image: [0x%" PRIx64 ", +%zu) is outside every region",
			    addr, len);
	memcpy(p, data, len);
	return BOTH(r, pmtrace_write_image(w_, addr, data, len));
}

static int store(struct pm_rec *r, bool nt, uint64_t addr, const void *data,
		 size_t len)
{
	unsigned char *p = pm_ptr(r, addr, len);

	if (!p || !len)
		return fail(r, "pm_store: [0x%" PRIx64 ", +%zu) is empty or outside every region",
			    addr, len);
	memmove(p, data, len);
	/* The format caps one store at 4096 bytes: split larger copies. */
	while (len) {
		uint32_t n = len > PMTRACE_MAX_STORE ? PMTRACE_MAX_STORE : (uint32_t)len;
		int e = nt ? BOTH(r, pmtrace_write_ntstore(w_, addr, p, n, 0)) :
			BOTH(r, pmtrace_write_store(w_, addr, p, n, 0));

		if (e)
			return e;
		addr += n;
		p += n;
		len -= n;
	}
	return 0;
}

int pm_store(struct pm_rec *r, uint64_t addr, const void *data, size_t len)
{
	return store(r, false, addr, data, len);
}

int pm_ntstore(struct pm_rec *r, uint64_t addr, const void *data, size_t len)
{
	return store(r, true, addr, data, len);
}

static int flush(struct pm_rec *r, enum pmtrace_flush_kind k, uint64_t addr)
{
	if (!find(r, addr, 1))
		return fail(r, "flush of 0x%" PRIx64 " outside every region", addr);
	return BOTH(r, pmtrace_write_flush(w_, k, addr, 0));
}

int pm_clwb(struct pm_rec *r, uint64_t a) { return flush(r, PMTRACE_FLUSH_CLWB, a); }
int pm_clflushopt(struct pm_rec *r, uint64_t a) { return flush(r, PMTRACE_FLUSH_CLFLUSHOPT, a); }
int pm_clflush(struct pm_rec *r, uint64_t a) { return flush(r, PMTRACE_FLUSH_CLFLUSH, a); }

static int fence(struct pm_rec *r, enum pmtrace_fence_kind k)
{
	return BOTH(r, pmtrace_write_fence(w_, k, 0));
}

int pm_sfence(struct pm_rec *r) { return fence(r, PMTRACE_FENCE_SFENCE); }
int pm_mfence(struct pm_rec *r) { return fence(r, PMTRACE_FENCE_MFENCE); }
int pm_lfence(struct pm_rec *r) { return fence(r, PMTRACE_FENCE_LFENCE); }

int pm_rmw(struct pm_rec *r, uint64_t addr, const void *data, size_t len)
{
	return store(r, false, addr, data, len) ?: fence(r, PMTRACE_FENCE_RMW);
}

int pm_xchg(struct pm_rec *r, uint64_t addr, const void *data, size_t len)
{
	return store(r, false, addr, data, len) ?: fence(r, PMTRACE_FENCE_XCHG);
}

int64_t pm_mark(struct pm_rec *r, const char *label)
{
	int64_t id = r->next_mark;
	int e = BOTH(r, pmtrace_write_mark(w_, (uint64_t)id, label, 0));

	if (e)
		return e;
	r->next_mark++;
	return id;
}

int pm_rec_trace(struct pm_rec *r, struct pmsim_trace **t)
{
	off_t size;
	void *m;
	int e;

	if (r->err)
		return pmsim_seterr("recording failed earlier: %s", strerror(-r->err));
	e = pmtrace_writer_flush(r->mem_w);
	if (!e && r->file_w)
		e = pmtrace_writer_flush(r->file_w);
	if (e)
		return pmsim_seterr("recording: %s", strerror(-e));
	size = lseek(r->memfd, 0, SEEK_END);
	if (size <= 0)
		return pmsim_seterr("recording: empty trace");
	m = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, r->memfd, 0);
	if (m == MAP_FAILED)
		return pmsim_seterr("recording: mmap: %s", strerror(errno));
	e = pmsim_trace_from_mem(t, m, (size_t)size, NULL, 0);
	munmap(m, (size_t)size);
	return e;
}
