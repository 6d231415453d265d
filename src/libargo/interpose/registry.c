/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * registry.c - what the interposer knows about each file descriptor.
 *
 * One table indexed by fd (no fd_set, so there is no 1024 limit), grown
 * on demand, and one mutex that protects both the pointer and the
 * entries.  Entries are copied in and out under the lock: nobody keeps a
 * pointer into the table, so growing it (realloc) is safe.  The lock is
 * never held while calling anything outside this file.
 *
 * fork(): the prepare handler takes the lock so that no other thread is
 * half-way through an update when the child is created; both sides
 * release it afterwards, and the child keeps a consistent copy.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "interpose.h"

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct argo_ip_sock *reg_tab;	/* reg_cap entries */
static size_t reg_cap;
static size_t reg_used;			/* entries with a state */

static void reg_prepare(void)
{
	pthread_mutex_lock(&reg_lock);
}

static void reg_release(void)
{
	pthread_mutex_unlock(&reg_lock);
}

void argo_ip_reg_atfork_init(void)
{
	pthread_atfork(reg_prepare, reg_release, reg_release);
}

/* Make room for index fd; reg_lock held. */
static int reg_grow(size_t fd)
{
	struct argo_ip_sock *tab;
	size_t cap = reg_cap ? reg_cap : 64;

	while (cap <= fd)
		cap *= 2;
	tab = realloc(reg_tab, cap * sizeof(*tab));
	if (!tab)
		return -1;
	memset(tab + reg_cap, 0, (cap - reg_cap) * sizeof(*tab));
	reg_tab = tab;
	reg_cap = cap;
	return 0;
}

/* Store s (or clear, when s is NULL or has no state); reg_lock held. */
static int reg_store(int fd, const struct argo_ip_sock *s)
{
	int had, has = s && s->state != ARGO_IP_NONE;

	if ((size_t)fd >= reg_cap) {
		if (!has)
			return 0;
		if (reg_grow((size_t)fd) < 0)
			return -1;
	}
	had = reg_tab[fd].state != ARGO_IP_NONE;
	if (has)
		reg_tab[fd] = *s;
	else
		memset(&reg_tab[fd], 0, sizeof(reg_tab[fd]));
	reg_used += (size_t)has - (size_t)had;
	return 0;
}

int argo_ip_reg_get(int fd, struct argo_ip_sock *out)
{
	int found = 0;

	if (fd < 0)
		return 0;
	pthread_mutex_lock(&reg_lock);
	if ((size_t)fd < reg_cap && reg_tab[fd].state != ARGO_IP_NONE) {
		*out = reg_tab[fd];
		found = 1;
	}
	pthread_mutex_unlock(&reg_lock);
	return found;
}

int argo_ip_reg_set(int fd, const struct argo_ip_sock *s)
{
	int ret;

	if (fd < 0) {
		errno = EBADF;
		return -1;
	}
	pthread_mutex_lock(&reg_lock);
	ret = reg_store(fd, s);
	pthread_mutex_unlock(&reg_lock);
	if (ret < 0)
		errno = ENOMEM;
	return ret;
}

void argo_ip_reg_clear(int fd)
{
	if (fd < 0)
		return;
	pthread_mutex_lock(&reg_lock);
	reg_store(fd, NULL);
	pthread_mutex_unlock(&reg_lock);
}

void argo_ip_reg_copy(int oldfd, int newfd)
{
	struct argo_ip_sock s;
	int found;

	if (oldfd < 0 || newfd < 0 || oldfd == newfd)
		return;
	pthread_mutex_lock(&reg_lock);
	found = (size_t)oldfd < reg_cap &&
		reg_tab[oldfd].state != ARGO_IP_NONE;
	if (found)
		s = reg_tab[oldfd];
	/* On ENOMEM the new fd is left unknown: calls on it pass through. */
	reg_store(newfd, found ? &s : NULL);
	pthread_mutex_unlock(&reg_lock);
}

void argo_ip_reg_clear_range(unsigned int lo, unsigned int hi)
{
	size_t fd;

	pthread_mutex_lock(&reg_lock);
	for (fd = lo; fd < reg_cap && fd <= hi; fd++)
		reg_store((int)fd, NULL);
	pthread_mutex_unlock(&reg_lock);
}

size_t argo_ip_reg_count(void)
{
	size_t n;

	pthread_mutex_lock(&reg_lock);
	n = reg_used;
	pthread_mutex_unlock(&reg_lock);
	return n;
}
