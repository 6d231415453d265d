/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-registry.c - the interposer's fd registry: large fds, copies,
 * threads, fork.  (src/libargo/interpose/registry.c)
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <sys/wait.h>

#include "tap.h"
#include "interpose.h"

static struct argo_ip_sock entry(int state, int type)
{
	struct argo_ip_sock s;

	memset(&s, 0, sizeof(s));
	s.state = (uint8_t)state;
	s.socktype = (uint8_t)type;
	return s;
}

static int state_of(int fd)
{
	struct argo_ip_sock s;

	return argo_ip_reg_get(fd, &s) ? s.state : ARGO_IP_NONE;
}

static void test_basic(void)
{
	struct argo_ip_sock s = entry(ARGO_IP_ARGO, SOCK_STREAM), out;

	ok(!argo_ip_reg_get(3, &out), "empty registry: fd 3 unknown");
	ok(argo_ip_reg_set(3, &s) == 0 && state_of(3) == ARGO_IP_ARGO,
	   "set and get fd 3");
	ok(argo_ip_reg_set(1024, &s) == 0 && state_of(1024) == ARGO_IP_ARGO,
	   "fd 1024 (past FD_SETSIZE) works");
	ok(argo_ip_reg_set(100000, &s) == 0 && state_of(100000) == ARGO_IP_ARGO,
	   "fd 100000 works");
	ok(state_of(1023) == ARGO_IP_NONE && state_of(99999) == ARGO_IP_NONE,
	   "neighbours stay unknown");
	ok(argo_ip_reg_count() == 3, "3 entries counted");
	argo_ip_reg_copy(1024, 2000);
	ok(state_of(2000) == ARGO_IP_ARGO, "dup: copy 1024 -> 2000");
	argo_ip_reg_copy(5, 2000);
	ok(state_of(2000) == ARGO_IP_NONE,
	   "dup2 of an unknown fd onto 2000 clears 2000");
	argo_ip_reg_copy(3, 3);
	ok(state_of(3) == ARGO_IP_ARGO, "copy onto itself changes nothing");
	argo_ip_reg_clear(3);
	ok(state_of(3) == ARGO_IP_NONE, "close clears fd 3");
	errno = 0;
	ok(argo_ip_reg_set(-1, &s) == -1 && errno == EBADF,
	   "negative fd: EBADF");
	ok(!argo_ip_reg_get(-5, &out), "negative fd: unknown");
	argo_ip_reg_clear_range(1000, 200000);
	ok(argo_ip_reg_count() == 0, "closefrom(1000) clears the rest");
	argo_ip_reg_clear(999999);
	ok(argo_ip_reg_count() == 0, "clearing past the table is harmless");
}

#define THREADS 8
#define PER_THREAD 2000

static void *hammer(void *arg)
{
	int base = (int)(long)arg * PER_THREAD, i, bad = 0;
	struct argo_ip_sock s = entry(ARGO_IP_CANDIDATE, SOCK_DGRAM), out;

	for (i = 0; i < PER_THREAD; i++) {
		s.rcvbuf = base + i;
		if (argo_ip_reg_set(base + i, &s) < 0)
			bad++;
	}
	for (i = 0; i < PER_THREAD; i++)
		if (!argo_ip_reg_get(base + i, &out) || out.rcvbuf != base + i)
			bad++;
	for (i = 0; i < PER_THREAD; i += 2)
		argo_ip_reg_clear(base + i);
	return (void *)(long)bad;
}

static void test_threads(void)
{
	pthread_t t[THREADS];
	long bad = 0;
	void *r;
	int i;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, hammer, (void *)(long)i);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	ok(bad == 0, "%d threads x %d fds, growing the table concurrently: "
	   "every entry read back", THREADS, PER_THREAD);
	ok(argo_ip_reg_count() == THREADS * PER_THREAD / 2,
	   "half cleared: %zu entries left", argo_ip_reg_count());
	argo_ip_reg_clear_range(0, THREADS * PER_THREAD);
}

static void *fork_while_busy(void *arg)
{
	struct argo_ip_sock s = entry(ARGO_IP_ARGO, SOCK_STREAM);
	volatile int *stop = arg;
	int i = 0;

	while (!*stop)
		argo_ip_reg_set(50000 + (i++ % 5000), &s);
	return NULL;
}

static void test_fork(void)
{
	struct argo_ip_sock s = entry(ARGO_IP_ARGO, SOCK_STREAM);
	volatile int stop = 0;
	pthread_t t;
	int i, status, good = 1;
	pid_t pid;

	argo_ip_reg_set(7, &s);
	pthread_create(&t, NULL, fork_while_busy, (void *)&stop);
	for (i = 0; i < 20 && good; i++) {
		pid = fork();
		if (pid == 0)	/* the lock must be usable in the child */
			_exit(state_of(7) == ARGO_IP_ARGO &&
			      argo_ip_reg_set(8, &s) == 0 ? 0 : 1);
		good = waitpid(pid, &status, 0) == pid &&
		       WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	stop = 1;
	pthread_join(t, NULL);
	ok(good, "20 forks while another thread updates: the child sees fd 7 "
	   "and can update (atfork handlers)");
	ok(state_of(8) == ARGO_IP_NONE, "the child's update stays in the child");
}

int main(void)
{
	argo_ip_reg_atfork_init();
	test_basic();
	test_threads();
	test_fork();
	return tap_done();
}
