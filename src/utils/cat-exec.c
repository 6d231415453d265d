/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cat-exec.c - argo-cat -e/-c: a program with its stdio on the connection.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cat.h"
#include "util.h"

#define MAX_ARGS 64

/* Split "prog arg1 arg2" on blanks (no quoting) into argv. */
static int split_args(char *s, char **argv, int max)
{
	int n = 0;
	char *save = NULL, *tok;

	for (tok = strtok_r(s, " \t", &save); tok && n < max - 1;
	     tok = strtok_r(NULL, " \t", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

static void child(const struct cat_opts *o, int sock)
{
	char *argv[MAX_ARGS];
	char *copy;

	/* argo-cat ignores SIGPIPE; the program gets the default back. */
	signal(SIGPIPE, SIG_DFL);
	if (dup2(sock, STDIN_FILENO) < 0 || dup2(sock, STDOUT_FILENO) < 0)
		_exit(126);
	if (sock > STDERR_FILENO)
		close(sock);
	if (o->exec_cmd) {
		execl(ARGO_SHELL, "sh", "-c", o->exec_cmd, (char *)NULL);
		util_error("argo-cat", 0, "cannot run %s: %s", ARGO_SHELL,
			   strerror(errno));
		_exit(127);
	}
	copy = strdup(o->exec_prog);
	if (!copy || split_args(copy, argv, MAX_ARGS) == 0)
		_exit(127);
	execvp(argv[0], argv);
	util_error("argo-cat", 0, "cannot run %s: %s", argv[0],
		   strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int cat_spawn(const struct cat_opts *o, int sock, int wait)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		child(o, sock);
	if (!wait)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return exit_code(status);
}
