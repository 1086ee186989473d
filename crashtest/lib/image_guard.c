// SPDX-License-Identifier: MIT
/*
 * Keeping in-process checkers from changing later crash states.
 *
 * The model writes a region through a shared mapping of its memfd; a
 * checker reads a second, private mapping of it (the view), which shows
 * every change of the model and is read-only. A checker that writes to
 * the view anyway (an in-place repair, a scribble through a cast) takes a
 * fault that this SIGSEGV handler turns into a private copy of the page,
 * recorded; after the checker returns the copies are dropped and the
 * pages made read-only again, so the next state shows only the model. A
 * checker that does not write costs nothing per state.
 *
 * The handler serves every guarded view of the process (a fixed table
 * read without locks, since a handler may not take one) and passes any
 * other fault to the handler that was there before.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image_guard.h"

#define MAX_GUARDS 64

static _Atomic(struct pms_guard *) guards[MAX_GUARDS];
static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned installed;		/* guards registered */
static struct sigaction previous;	/* the handler before ours */

static void pass_on(int sig, siginfo_t *si, void *uc)
{
	if (previous.sa_flags & SA_SIGINFO) {
		previous.sa_sigaction(sig, si, uc);
		return;
	}
	if (previous.sa_handler == SIG_IGN || previous.sa_handler == SIG_DFL) {
		/* return to the faulting instruction, which faults again and
		 * now gets the default action */
		signal(sig, SIG_DFL);
		return;
	}
	previous.sa_handler(sig);
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;
	int saved = errno;

	for (unsigned i = 0; i < MAX_GUARDS; i++) {
		struct pms_guard *g = atomic_load_explicit(&guards[i], memory_order_acquire);
		uintptr_t page;
		unsigned n;

		if (!g || a - (uintptr_t)g->view >= g->size || si->si_code != SEGV_ACCERR)
			continue;
		page = a & ~(uintptr_t)(g->page - 1);
		if (mprotect((void *)page, g->page, PROT_READ | PROT_WRITE))
			break;
		n = atomic_fetch_add(&g->nwritten, 1);
		if (n < PMS_GUARD_PAGES)
			g->written[n] = page;
		errno = saved;
		return;	/* the write is done again, on a private copy */
	}
	errno = saved;
	pass_on(sig, si, uc);
}

int pms_guard_on(struct pms_guard *g, unsigned char *view, uint64_t size)
{
	struct sigaction sa;
	int r = -1;

	memset(g, 0, sizeof(*g));
	g->view = view;
	g->size = size;
	g->page = (uint64_t)sysconf(_SC_PAGESIZE);
	pthread_mutex_lock(&install_lock);
	for (unsigned i = 0; i < MAX_GUARDS; i++) {
		struct pms_guard *none = NULL;

		if (atomic_compare_exchange_strong(&guards[i], &none, g)) {
			g->slot = i;
			r = 0;
			break;
		}
	}
	if (!r && installed++ == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSEGV, &sa, &previous)) {
			installed = 0;
			atomic_store(&guards[g->slot], NULL);
			r = -1;
		}
	}
	pthread_mutex_unlock(&install_lock);
	g->active = !r;
	return r;
}

void pms_guard_off(struct pms_guard *g)
{
	if (!g->active)
		return;
	pthread_mutex_lock(&install_lock);
	atomic_store(&guards[g->slot], NULL);
	if (--installed == 0)
		sigaction(SIGSEGV, &previous, NULL);
	pthread_mutex_unlock(&install_lock);
	g->active = false;
}

unsigned pms_guard_undo(struct pms_guard *g)
{
	unsigned n;

	/* The fault is taken by the thread that runs the checker, this one:
	 * a plain load sees its count, and the common case costs no more. */
	if (!atomic_load_explicit(&g->nwritten, memory_order_relaxed))
		return 0;
	n = atomic_exchange(&g->nwritten, 0);
	if (n > PMS_GUARD_PAGES) {
		/* too many to list: the whole view */
		madvise(g->view, g->size, MADV_DONTNEED);
		mprotect(g->view, g->size, PROT_READ);
		return n;
	}
	for (unsigned i = 0; i < n; i++) {
		void *p = (void *)g->written[i];

		madvise(p, g->page, MADV_DONTNEED);	/* drop the private copy */
		mprotect(p, g->page, PROT_READ);
	}
	return n;
}
