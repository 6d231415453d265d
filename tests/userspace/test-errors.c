/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test-errors.c - error mapping: why a device is missing, argo_strerror,
 * and that driver errors reach the caller as -1 + errno.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "internal.h"
#include "tap.h"

/* Build a fake sysroot under dir with the named files present. */
static void mkroot(const char *dir, int xen, int module)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "mkdir -p %s/sys/hypervisor "
		 "%s/sys/module && rm -rf %s/sys/module/argo "
		 "%s/sys/hypervisor/type", dir, dir, dir, dir);
	if (system(path) != 0)
		return;
	if (xen) {
		snprintf(path, sizeof(path), "%s/sys/hypervisor/type", dir);
		f = fopen(path, "w");
		if (f) {
			fputs("xen\n", f);
			fclose(f);
		}
	}
	if (module) {
		snprintf(path, sizeof(path), "%s/sys/module/argo", dir);
		mkdir(path, 0755);
	}
}

static void test_classify(void)
{
	char dir[] = "/tmp/argo-test-root-XXXXXX";
	char cmd[64];

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	mkroot(dir, 0, 0);
	ok(argoi_classify_missing(dir) == EAFNOSUPPORT,
	   "no /sys/hypervisor/type: not on Xen (EAFNOSUPPORT)");
	mkroot(dir, 1, 0);
	ok(argoi_classify_missing(dir) == ENODEV,
	   "Xen without sys/module/argo: module not loaded (ENODEV)");
	mkroot(dir, 1, 1);
	ok(argoi_classify_missing(dir) == ENOENT,
	   "module loaded, no node: ENOENT");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		ok(0, "cleanup");
}

static void test_strerror(void)
{
	ok(strstr(argo_strerror(ENODEV), "modprobe argo") != NULL,
	   "ENODEV says: modprobe argo");
	ok(strstr(argo_strerror(EAFNOSUPPORT), "not running on Xen") != NULL,
	   "EAFNOSUPPORT says: not running on Xen");
	ok(strstr(argo_strerror(ECONNREFUSED), "no such domain") != NULL,
	   "ECONNREFUSED mentions an unknown domain");
	ok(strcmp(argo_strerror(ESRCH), "no such domain") == 0 &&
	   strstr(argo_strerror(EHOSTUNREACH), "no such domain") != NULL,
	   "ESRCH/EHOSTUNREACH (Xen: no such domain) say so");
	ok(strstr(argo_strerror(EPERM), "mac-permissive") != NULL,
	   "EPERM mentions mac-permissive");
	ok(strcmp(argo_strerror(EINTR), strerror(EINTR)) == 0,
	   "other errors: strerror's text");
	ok(argo_strerror(-5) != NULL && argo_strerror(100000) != NULL,
	   "never NULL, even for nonsense");
}

/* Under the fake device: missing devices and injected driver errors. */
static void test_missing_device(void)
{
	int fd;

	setenv("ARGO_FAKE_MISSING", "1", 1);
	errno = 0;
	fd = argo_socket(SOCK_STREAM);
	ok(fd == -1 && (errno == ENODEV || errno == EAFNOSUPPORT ||
			errno == ENOENT),
	   "missing device: -1 with ENODEV/EAFNOSUPPORT/ENOENT (got %s)",
	   strerror(errno));
	ok(argo_probe(SOCK_DGRAM) == -1, "argo_probe fails too");
	unsetenv("ARGO_FAKE_MISSING");
	ok(argo_probe(SOCK_DGRAM) == 0, "argo_probe with the device");
	ok(argo_socket(SOCK_RAW) == -1 && errno == ESOCKTNOSUPPORT,
	   "SOCK_RAW: ESOCKTNOSUPPORT");
}

static void test_injected(void)
{
	argo_addr_t peer = { .aport = 99, .domain_id = 5 };
	char buf[4];
	int fd;

	fd = argo_socket(SOCK_STREAM);
	setenv("ARGO_FAKE_FAIL", "CONNECT=ECONNREFUSED,SEND=ECONNRESET", 1);
	errno = 0;
	ok(argo_connect(fd, &peer) == -1 && errno == ECONNREFUSED,
	   "driver -ECONNREFUSED on connect: -1 + errno ECONNREFUSED");
	ok(argo_send(fd, "x", 1, 0) == -1 && errno == ECONNRESET,
	   "driver -ECONNRESET on send: -1 + errno ECONNRESET");
	setenv("ARGO_FAKE_FAIL", "RECV=EINTR,BIND=EADDRINUSE", 1);
	ok(argo_recv(fd, buf, sizeof(buf), 0) == -1 && errno == EINTR,
	   "driver -EINTR on recv: -1 + errno EINTR");
	ok(argo_bind(fd, &peer, ARGO_DOMID_ANY) == -1 && errno == EADDRINUSE,
	   "driver -EADDRINUSE on bind: -1 + errno");
	unsetenv("ARGO_FAKE_FAIL");
	ok(argo_send(fd, "x", 1, MSG_OOB) == -1 && errno == EOPNOTSUPP,
	   "MSG_OOB: EOPNOTSUPP, not silently ignored");
	ok(argo_shutdown(fd, 42) == -1 && errno == EINVAL,
	   "shutdown(42): EINVAL");
	ok(argo_accept4(fd, NULL, 0x40000000) == -1 && errno == EINVAL,
	   "accept4 with unknown flags: EINVAL");
	argo_close(fd);
	ok(argo_send(fd, "x", 1, 0) == -1 && errno == EBADF,
	   "send on a closed fd: EBADF");
}

int main(int argc, char **argv)
{
	(void)argc;
	tap_use_fakedev(argv);
	test_classify();
	test_strerror();
	test_missing_device();
	test_injected();
	return tap_done();
}
