#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

int tdir_make(struct tdir *d, const char *base)
{
	snprintf(d->path, sizeof(d->path), "%s/daxwl-test.XXXXXX", base);
	if (!mkdtemp(d->path)) {
		fprintf(stderr, "# cannot create a directory under %s: %s\n", base, strerror(errno));
		return -1;
	}
	snprintf(d->json, sizeof(d->json), "%s/out.json", d->path);
	snprintf(d->err, sizeof(d->err), "%s/err.txt", d->path);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void tdir_remove(struct tdir *d)
{
	if (d->path[0])
		nftw(d->path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tfile(const struct tdir *d, const char *name, int slot)
{
	static char buf[4][320];

	snprintf(buf[slot & 3], sizeof(buf[0]), "%s/%s", d->path, name);
	return buf[slot & 3];
}

static const char *daxwl_path(void)
{
	static char path[PATH_MAX + 16];

	if (!path[0]) {
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n < 0)
			fail_msg("readlink /proc/self/exe: %s", strerror(errno));
		self[n] = 0;
		char *slash = strrchr(self, '/');

		*slash = 0;	/* .../workloads/tests */
		slash = strrchr(self, '/');
		*slash = 0;	/* .../workloads */
		snprintf(path, sizeof(path), "%s/daxwl", self);
	}
	return path;
}

static pid_t start(char *const argv[], const char *out, const char *err)
{
	pid_t pid = fork();

	if (pid < 0)
		fail_msg("fork: %s", strerror(errno));
	if (pid == 0) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int wait_for(pid_t pid, const char *name, int timeout_s)
{
	int status;

	for (int waited_ms = 0;; waited_ms += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (waited_ms >= timeout_s * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(stderr, "# %s killed after %d s\n", name, timeout_s);
			return -1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	if (!WIFEXITED(status)) {
		fprintf(stderr, "# %s died with signal %d\n", name, WTERMSIG(status));
		return -1;
	}
	return WEXITSTATUS(status);
}

/* Runs argv with stdout/stderr redirected; waits at most timeout_s. */
static int spawn(char *const argv[], const char *out, const char *err, int timeout_s)
{
	return wait_for(start(argv, out, err), argv[0], timeout_s);
}

static void daxwl_argv(char **argv, const char *const *args)
{
	int n = 0;

	argv[n++] = (char *)daxwl_path();
	for (; *args && n < 63; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
}

int run_daxwl(const struct tdir *d, const char *const *args)
{
	char *argv[64];

	daxwl_argv(argv, args);
	return spawn(argv, d->json, d->err, 300);
}

int start_daxwl(const struct tdir *d, const char *const *args)
{
	char *argv[64];

	daxwl_argv(argv, args);
	return start(argv, d->json, d->err);
}

int wait_daxwl(int pid)
{
	return wait_for(pid, "daxwl", 300);
}

bool jq_true(const char *file, const char *expr)
{
	char *argv[] = { "jq", "-e", "-s", (char *)expr, (char *)file, NULL };

	return spawn(argv, "/dev/null", "/dev/null", 60) == 0;
}

double jq_num(const char *file, const char *expr)
{
	char tmp[] = "/tmp/daxwl-jq.XXXXXX";
	int fd = mkstemp(tmp);
	char buf[64] = "";

	if (fd < 0)
		fail_msg("mkstemp: %s", strerror(errno));
	close(fd);
	char *argv[] = { "jq", "-s", (char *)expr, (char *)file, NULL };
	int rc = spawn(argv, tmp, "/dev/null", 60);
	FILE *f = fopen(tmp, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	unlink(tmp);
	char *end;
	double v = strtod(buf, &end);

	return rc == 0 && end != buf ? v : NAN;
}

int count_lines(const char *file)
{
	FILE *f = fopen(file, "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

bool file_contains(const char *file, const char *needle)
{
	FILE *f = fopen(file, "r");
	char buf[8192];
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, needle) != NULL;
}

static void cat(const char *label, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[4096];

	fprintf(stderr, "# --- %s\n", label);
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# %s", line);
	fclose(f);
}

void dump_run(const struct tdir *d)
{
	cat("stdout", d->json);
	cat("stderr", d->err);
}

int dir_entries(const struct tdir *d)
{
	DIR *dir = opendir(d->path);
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dir);
	return n;
}

void make_foreign(const char *path, size_t len, char c)
{
	static char buf[1 << 20];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);

	assert_true(fd >= 0);
	memset(buf, c, sizeof(buf));
	for (size_t done = 0; done < len; done += sizeof(buf))
		assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(fd);
}

bool foreign_intact(const char *path, size_t len, char c)
{
	static char buf[1 << 20];
	struct stat st;
	int fd = open(path, O_RDONLY);
	bool ok = fd >= 0 && !fstat(fd, &st) && (size_t)st.st_size == len;

	for (size_t done = 0; ok && done < len; done += sizeof(buf)) {
		ok = read(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf);
		for (size_t i = 0; ok && i < sizeof(buf); i++)
			ok = buf[i] == c;
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

bool same_file_as(const char *path, const struct stat *before)
{
	struct stat st;

	return !stat(path, &st) && st.st_ino == before->st_ino && st.st_size == before->st_size &&
	       st.st_mtim.tv_sec == before->st_mtim.tv_sec &&
	       st.st_mtim.tv_nsec == before->st_mtim.tv_nsec;
}

bool wait_for_file(const char *path, long long min_bytes, int timeout_ms)
{
	struct stat st;

	for (int ms = 0; ms < timeout_ms; ms++) {
		if (!stat(path, &st) && st.st_size >= min_bytes)
			return true;
		usleep(1000);
	}
	return false;
}

void step_argv(const struct tdir *d, const struct run_step *s, const char **argv)
{
	size_t n = 0;

	/* Four tfile slots: a step names at most four files. */
	for (int slot = 0; n < sizeof(s->args) / sizeof(s->args[0]) && s->args[n]; n++)
		argv[n] = s->args[n][0] == '@' ? tfile(d, s->args[n] + 1, slot++) : s->args[n];
	argv[n] = NULL;
}

void run_step(const struct tdir *d, const struct run_step *s)
{
	const char *argv[sizeof(s->args) / sizeof(s->args[0]) + 1];

	step_argv(d, s, argv);
	ASSERT_RC(d, run_daxwl(d, argv), s->rc);
	for (size_t i = 0; i < sizeof(s->jq) / sizeof(s->jq[0]) && s->jq[i]; i++)
		ASSERT_JQ(d, s->jq[i]);
}

void run_case(void **state)
{
	struct tdir *d = *state;

	assert_non_null(d->tcase);
	for (size_t i = 0; i < sizeof(d->tcase->step) / sizeof(d->tcase->step[0]); i++)
		if (d->tcase->step[i].args[0])
			run_step(d, &d->tcase->step[i]);
}

static int setup_under(void **state, const char *base)
{
	struct tdir *d = calloc(1, sizeof(*d));

	if (!d || tdir_make(d, base)) {
		free(d);
		return -1;
	}
	d->tcase = *state;
	*state = d;
	return 0;
}

int setup_tmpfs(void **state) { return setup_under(state, "/dev/shm"); }
int setup_hostfs(void **state) { return setup_under(state, "/var/tmp"); }

int teardown_dir(void **state)
{
	struct tdir *d = *state;

	tdir_remove(d);
	free(d);
	return 0;
}
