#include "worker.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "daxwl.h"
#include "pmmark.h"
#include "stop.h"

/* Start gate: threads pin themselves, then wait until all exist (or abort). */
struct gate {
	pthread_mutex_t m;
	pthread_cond_t c;
	int state;		/* 0 wait, 1 go, 2 abort */
};

/*
 * Start line: the measured phase begins when every worker has finished its
 * setup (buffers, mappings, warmup), so no thread measures while another is
 * still preparing. A worker that fails before it gets there still arrives,
 * so the others never wait for it forever.
 */
struct start_line {
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned arrived, total;
};

static void line_arrive(struct worker *w, bool wait)
{
	struct start_line *s = w->line;

	if (w->arrived)
		return;
	w->arrived = true;
	pthread_mutex_lock(&s->m);
	if (++s->arrived == s->total)
		pthread_cond_broadcast(&s->c);
	while (wait && s->arrived < s->total)
		pthread_cond_wait(&s->c, &s->m);
	pthread_mutex_unlock(&s->m);
}

struct launch {
	struct worker *w;
	int (*fn)(struct worker *w);
	struct gate *gate;
};

static int gate_wait(struct gate *g)
{
	pthread_mutex_lock(&g->m);
	while (!g->state)
		pthread_cond_wait(&g->c, &g->m);
	int st = g->state;

	pthread_mutex_unlock(&g->m);
	return st;
}

static void gate_open(struct gate *g, int state)
{
	pthread_mutex_lock(&g->m);
	g->state = state;
	pthread_cond_broadcast(&g->c);
	pthread_mutex_unlock(&g->m);
}

/*
 * Before a pmmark window: let the kernel finish the work the setup left
 * for later (RCU callbacks freeing what the previous run unmapped and
 * removed, workqueue items), which would otherwise run inside the window.
 * Under QEMU -icount it was 7 % of one DAX PMD fault cell's first
 * repetition. Five jiffies at HZ=250 cover a grace period and its
 * callbacks; an idle guest under -icount sleep=off skips them in host time.
 */
#define MARK_SETTLE_NS 20000000L

static void mark_settle(void)
{
	struct timespec ts = { 0, MARK_SETTLE_NS };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* a + b, or UINT64_MAX when it does not fit: "--runtime 584y" is "never stop". */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t s;

	return __builtin_add_overflow(a, b, &s) ? UINT64_MAX : s;
}

static void start_measuring(struct worker *w)
{
	line_arrive(w, true);
	w->measuring = true;
	w->phase_changed = true;
	getrusage(RUSAGE_THREAD, &w->ru0);
	/* The window holds the phase and nothing of the setup around it. */
	if (w->run->c.mark) {
		mark_settle();
		pmmark_start();
	}
	w->t_start = dx_now_ns();
	if (w->run->c.runtime)
		w->run_end = sat_add(w->t_start, w->run->c.runtime);
}

static void stop_measuring(struct worker *w)
{
	struct rusage ru;

	w->t_end = dx_now_ns();
	if (w->run->c.mark)
		pmmark_window_end(w->ops, w->run->cmd->name);
	getrusage(RUSAGE_THREAD, &ru);
	w->minflt = (uint64_t)(ru.ru_minflt - w->ru0.ru_minflt);
	w->majflt = (uint64_t)(ru.ru_majflt - w->ru0.ru_majflt);
}

/*
 * SIGBUS: a store or load through a file mapping that the file system
 * cannot back (no room for a hole's block, a file truncated under the
 * mapping). Killing daxwl would leave no record and maybe a half-made
 * file, so in a worker the handler puts an anonymous page in place of the
 * missing one, which lets the access finish, and notes it; worker_next
 * then ends the run with the error. Anywhere else SIGBUS stays fatal.
 */
static _Thread_local struct worker *this_worker;

static void on_sigbus(int sig, siginfo_t *si, void *ctx)
{
	struct worker *w = this_worker;
	uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)(getpagesize() - 1);

	(void)ctx;
	if (!w || si->si_code != BUS_ADRERR ||
	    mmap((void *)page, (size_t)getpagesize(), PROT_READ | PROT_WRITE,
		 MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
		/* Not a worker's mapping: the access faults again and kills, as it would have. */
		signal(sig, SIG_DFL);
		return;
	}
	if (!w->bus_addr)
		w->bus_addr = si->si_addr;
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

static bool bus_error(struct worker *w)
{
	uint64_t avail = env_free_bytes(w->run->t.fd);

	err_set(&w->err, avail < (uint64_t)getpagesize() ? DX_EXIT_RESOURCES : DX_EXIT_FINDING, 0,
		"worker %u: the kernel could not provide a page of the mapping of %s (SIGBUS): "
		"a page written in a hole needs room, and %llu bytes are free there; or the file "
		"was truncated", w->id, w->run->t.path, (unsigned long long)avail);
	return false;
}

bool worker_next(struct worker *w)
{
	if (w->bus_addr) {
		if (w->measuring && !w->t_end)
			stop_measuring(w);
		return bus_error(w);
	}
	/* Asked to stop: end the phase here; what was measured so far is kept. */
	if (dx_stop_signal()) {
		if (w->measuring && !w->t_end)
			stop_measuring(w);
		return false;
	}
	if (!w->measuring) {
		if (w->warm_end && dx_now_ns() < w->warm_end)
			return true;
		start_measuring(w);
	}
	if (w->t_end)
		return false;
	if ((w->max_ops && w->ops >= w->max_ops) ||
	    (w->run_end && dx_now_ns() >= w->run_end)) {
		stop_measuring(w);
		return false;
	}
	return true;
}

static void *thread_main(void *arg)
{
	struct launch *l = arg;
	struct worker *w = l->w;

	this_worker = w;
	if (w->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(w->cpu, &set);
		if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
			w->cpu = -1;
	}
	if (gate_wait(l->gate) != 1)
		return NULL;
	if (w->run->c.warmup)
		w->warm_end = sat_add(dx_now_ns(), w->run->c.warmup);
	int rc = l->fn(w);

	line_arrive(w, false);

	if (!w->t_end && w->measuring)
		stop_measuring(w);
	if (rc && !w->err.code)
		err_set(&w->err, rc, 0, "worker %u failed", w->id);
	return NULL;
}

/* The CPUs this process may run on, in order. */
static int allowed_cpus(int *cpus, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

int workers_run(struct daxwl_run *r, uint64_t max_ops, int (*fn)(struct worker *w))
{
	unsigned n = (unsigned)r->c.threads;
	int cpus[CPU_SETSIZE];
	int ncpu = allowed_cpus(cpus, CPU_SETSIZE);
	struct gate gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct start_line line = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, n };
	struct launch *l;
	pthread_t *tid;

	workers_free(r);
	catch_sigbus();
	r->w = calloc(n, sizeof(*r->w));
	l = calloc(n, sizeof(*l));
	tid = calloc(n, sizeof(*tid));
	if (!r->w || !l || !tid) {
		free(l);
		free(tid);
		return err_nomem(&r->err, n * (sizeof(*r->w) + sizeof(*l) + sizeof(*tid)),
				 "the worker table");
	}
	r->nw = n;
	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &r->w[i];

		w->run = r;
		w->id = i;
		w->cpu = ncpu ? cpus[i % (unsigned)ncpu] : -1;
		w->off = (uint64_t)i * r->region;
		w->len = r->region;
		w->max_ops = max_ops;
		w->line = &line;
		/* Distinct, reproducible streams per thread and repetition. */
		dx_prng_seed(&w->rng, r->c.seed ^ (0x9e3779b97f4a7c15ull * (i + 1)) ^
				   ((uint64_t)r->rep << 48));
		hist_init(&w->lat);
		hist_init(&w->lat2);
		l[i] = (struct launch){ .w = w, .fn = fn, .gate = &gate };
	}
	unsigned started = 0;

	for (; started < n; started++) {
		int rc = pthread_create(&tid[started], NULL, thread_main, &l[started]);

		if (rc) {
			err_set(&r->err, rc == EAGAIN ? DX_EXIT_RESOURCES : DX_EXIT_FINDING, rc,
				"could start %u of the %u threads", started, n);
			break;
		}
	}
	gate_open(&gate, started == n ? 1 : 2);
	for (unsigned i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	free(l);
	free(tid);
	if (r->err.code)
		return r->err.code;

	uint64_t t0 = UINT64_MAX, t1 = 0;

	for (unsigned i = 0; i < n; i++) {
		struct worker *w = &r->w[i];

		err_take(&r->err, &w->err);
		if (w->t_start && w->t_start < t0)
			t0 = w->t_start;
		if (w->t_end > t1)
			t1 = w->t_end;
	}
	r->wall_ns = t1 > t0 && t0 != UINT64_MAX ? t1 - t0 : 0;
	return r->err.code;
}

void workers_free(struct daxwl_run *r)
{
	if (r->w)
		for (unsigned i = 0; i < r->nw; i++)
			free(r->w[i].priv);
	free(r->w);
	r->w = NULL;
	r->nw = 0;
}
