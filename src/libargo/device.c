/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * device.c - opening the driver's devices and telling why they are missing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "internal.h"

/* Misc devices (the driver's two) have this major number. */
#define MISC_MAJOR_NUMBER 10

const char *argoi_device_path(int type)
{
	switch (type) {
	case SOCK_STREAM:
		return ARGO_STREAM_DEVICE;
	case SOCK_DGRAM:
		return ARGO_DGRAM_DEVICE;
	default:
		return NULL;
	}
}

static int path_exists(const char *sysroot, const char *path)
{
	char buf[PATH_MAX];

	if ((size_t)snprintf(buf, sizeof(buf), "%s%s", sysroot, path) >=
	    sizeof(buf))
		return 0;
	return access(buf, F_OK) == 0;
}

/* /sys/hypervisor/type says "xen" in a Xen domain (dom0, PV, PVH, HVM). */
static int on_xen(const char *sysroot)
{
	char path[PATH_MAX], type[16] = "";
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/sys/hypervisor/type",
			     sysroot) >= sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (f) {
		if (!fgets(type, sizeof(type), f))
			type[0] = '\0';
		fclose(f);
		if (strncmp(type, "xen", 3) == 0)
			return 1;
	}
	/* Kernels without CONFIG_XEN_SYS_HYPERVISOR: xenfs mount point. */
	return path_exists(sysroot, "/proc/xen/capabilities");
}

int argoi_classify_missing(const char *sysroot)
{
	if (!sysroot)
		sysroot = "";
	if (path_exists(sysroot, "/sys/module/argo"))
		return ENOENT;
	if (!on_xen(sysroot))
		return EAFNOSUPPORT;
	return ENODEV;
}

int argoi_open_device(int type, int oflags)
{
	const char *path = argoi_device_path(type);
	int fd;

	if (!path) {
		errno = ESOCKTNOSUPPORT;
		return -1;
	}
	fd = open(path, O_RDWR | (oflags & (O_NONBLOCK | O_CLOEXEC)));
	if (fd < 0 && errno == ENOENT)
		errno = argoi_classify_missing("");
	return fd;
}

int argoi_ioctl(int fd, unsigned long req, void *arg)
{
	int ret = ioctl(fd, req, arg);

	/* A driver returning a positive errno-like value would be a bug;
	 * libc already turns negative kernel returns into -1 + errno. */
	return ret < 0 ? -1 : ret;
}

int argoi_ptype_to_socktype(int ptype)
{
	switch (ptype) {
	case ARGO_PTYPE_STREAM:
		return SOCK_STREAM;
	case ARGO_PTYPE_DGRAM:
		return SOCK_DGRAM;
	default:
		return -1;
	}
}

int argo_probe(int type)
{
	int fd = argoi_open_device(type, O_CLOEXEC);

	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

int argo_is_socket(int fd)
{
	struct stat st;
	int ptype = 0;

	if (fstat(fd, &st) < 0)
		return -1;
	/* Opened sockets are the misc devices; accepted ones are anonymous
	 * inodes, which have no file type bits.  Only those can be ours. */
	if (!(S_ISCHR(st.st_mode) && major(st.st_rdev) == MISC_MAJOR_NUMBER) &&
	    (st.st_mode & S_IFMT) != 0)
		return 0;
	if (ioctl(fd, ARGOIOCGETSOCKTYPE, &ptype) < 0)
		return 0;
	return argoi_ptype_to_socktype(ptype) >= 0;
}
