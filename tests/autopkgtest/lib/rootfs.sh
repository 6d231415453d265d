# shellcheck shell=bash
# The cached base root filesystem (one for dom0 and the guests) and its cpio.
#
# The base is a bookworm chroot directory made by mmdebstrap from bookworm main
# only (so the toolstack's libxen* match the 4.17 hypervisor), holding: the
# toolstack, the tools tests use, the guest kernel (unpacked, not "installed", so
# no initramfs-tools run) with its headers, and DKMS with its compiler so that a
# run can install the project's .debs into an overlay of it at host speed.
# The initramfs made from it leaves out what only the build needs.

# Packages of the running image (dom0 and guests).
ROOTFS_PKGS=(
	xen-utils-4.17 xenstore-utils busybox kmod mount iproute2 iputils-ping procps
	openssh-server openssh-client socat iperf3 python3 curl ca-certificates
	less strace psmisc libbsd0
)
# Needed at image-build time (DKMS builds argo.ko in the chroot) and by the
# packaged tests in dom0's full image (xen-lab sshd): apt-utils because
# autopkgtest serves the .debs under test from a local apt repository made
# with apt-ftparchive, and the lab cannot download it.
ROOTFS_BUILD_PKGS=(dkms make gcc libc6-dev pkgconf apt-utils)

# Paths (relative, no leading slash) never put in the initramfs.
CPIO_EXCLUDES=(
	./boot ./usr/src ./usr/include ./usr/lib/gcc ./usr/libexec/gcc
	./usr/share/doc ./usr/share/man ./usr/share/info ./usr/share/locale
	./usr/share/lintian ./usr/share/gcc ./usr/share/perl ./usr/lib/x86_64-linux-gnu/perl
	./var/cache/apt ./var/lib/apt/lists ./var/lib/dkms ./var/cache/debconf
	./usr/lib/udev/hwdb.d ./usr/lib/udev/hwdb.bin ./usr/lib/xen-4.17/boot
	'./usr/bin/x86_64-linux-gnu-*' './usr/lib/x86_64-linux-gnu/*.a'
	'./usr/lib/x86_64-linux-gnu/lib[atl]san.*' './usr/lib/x86_64-linux-gnu/libubsan.*'
	'./usr/lib/x86_64-linux-gnu/libhwasan.*' './usr/lib/x86_64-linux-gnu/libgprofng*'
	./usr/lib/x86_64-linux-gnu/gprofng ./usr/lib/x86_64-linux-gnu/ldscripts
	'./usr/lib/x86_64-linux-gnu/libisl.*' './usr/lib/x86_64-linux-gnu/libbfd-*'
	'./usr/lib/x86_64-linux-gnu/libopcodes-*' './usr/lib/x86_64-linux-gnu/libctf*'
	'./usr/lib/linux-kbuild-*' ./usr/lib/python3.11/test ./usr/lib/python3.11/pydoc_data
)
# The "full" image (dom0 for autopkgtest, which checks and builds in the
# testbed) keeps the compiler, headers and DKMS state; only caches go.
CPIO_EXCLUDES_FULL=(
	./boot ./var/cache/apt ./var/lib/apt/lists ./usr/share/doc ./usr/share/man
	./usr/share/info ./usr/share/locale ./usr/lib/udev/hwdb.d ./usr/lib/udev/hwdb.bin
)
# Modules of the guest kernel in the initramfs (with their dependencies); the
# rest of the 400 MB module tree stays out.
LAB_MODULES=(
	xen-evtchn xen-gntdev xen-gntalloc xen-privcmd xenfs xen-netback xen-netfront
	xen-blkback xen-blkfront xen-pciback bridge 9p 9pnet_virtio virtio_pci virtio_net
	overlay tun veth dummy loop
)
# rootfs_kernel_suite KERNEL: the apt target release of that kernel choice.
rootfs_kernel_release() {
	case $1 in
	bookworm) echo bookworm ;;
	trixie) echo bookworm-backports ;;
	*) die "kernel $1: not supported by this lab (yet)" ;;
	esac
}

# Sets LAB_BASE (chroot dir), LAB_KVER, LAB_BASE_CPIO, LAB_KEY (dom0 ssh key copy).
rootfs_build() {
	local kernel=$1 rel key dir
	rel=$(rootfs_kernel_release "$kernel")
	key=$(key_of "$kernel" "$LAB_MIRROR" "${ROOTFS_PKGS[*]}" "${ROOTFS_BUILD_PKGS[*]}" \
		"${CPIO_EXCLUDES[*]}" "${LAB_MODULES[*]}" "$(cat "$LAB_DIR/lib/rootfs-hook.sh")")
	dir=$LAB_CACHE/rootfs/$kernel-$key
	LAB_BASE=$dir/root
	LAB_BASE_CPIO=$dir/base.cpio.zst
	if [ ! -f "$dir/ok" ]; then
		with_lock "$LAB_CACHE/rootfs/.lock" _rootfs_make "$dir" "$rel" ||
			die "building the root filesystem failed (log: $dir/mmdebstrap.log)"
	fi
	LAB_KVER=$(cat "$dir/kver")
	LAB_KEY=$dir/id_ed25519
	LAB_VMLINUX=$dir/vmlinux
	if [ "${LAB_FULL_IMAGE:-0}" = 1 ]; then
		LAB_BASE_CPIO_FULL=$dir/base-full.cpio.zst
		if [ ! -s "$LAB_BASE_CPIO_FULL" ]; then
			phase_begin base-full-cpio
			_rootfs_cpio "$LAB_BASE" "$LAB_KVER" full >"$LAB_BASE_CPIO_FULL.tmp" &&
				mv "$LAB_BASE_CPIO_FULL.tmp" "$LAB_BASE_CPIO_FULL" || die "cannot make $LAB_BASE_CPIO_FULL"
			phase_end
		fi
	fi
	if [ ! -s "$LAB_VMLINUX" ]; then
		"$LAB_DIR/lib/vmlinux-from-bzimage" "$LAB_BASE/boot/vmlinuz-$LAB_KVER" "$LAB_VMLINUX.tmp" &&
			mv "$LAB_VMLINUX.tmp" "$LAB_VMLINUX" || die "cannot uncompress vmlinuz-$LAB_KVER"
	fi
}

# Before building a new root filesystem for a kernel choice, remove that
# choice's other ones (another key): failed builds, and outdated ones made
# more than an hour ago that are not the lower dir of a running lab.
_rootfs_prune() {
	local keep=$1 d kernel
	kernel=$(basename "$1"); kernel=${kernel%-*}
	for d in "$LAB_CACHE"/rootfs/"$kernel"-*/; do
		d=${d%/}
		[ "$d" = "$keep" ] && continue
		grep -qF "lowerdir=$d/root" /proc/mounts && continue
		if [ ! -f "$d/ok" ]; then
			[ -n "$(find "$d" -maxdepth 0 -mmin +120)" ] || continue
		else
			[ -n "$(find "$d/ok" -mmin +60)" ] || continue
		fi
		log "removing old cached root filesystem $d"
		rm -rf "$d"
	done
}

_rootfs_make() {
	local dir=$1 rel=$2 srcs
	[ -f "$dir/ok" ] && return 0
	phase_begin rootfs-build
	rm -rf "$dir" && mkdir -p "$dir"
	srcs="deb $LAB_MIRROR bookworm main"
	[ "$rel" = bookworm-backports ] && srcs="$srcs
deb $LAB_MIRROR bookworm-backports main"
	local excl=()
	for p in /usr/share/man/ /usr/share/doc/ /usr/share/info/ /usr/share/locale/ \
		/usr/share/lintian/ /usr/share/linda/; do
		excl+=(--dpkgopt="path-exclude=$p*")
	done
	local inc
	inc=$(IFS=,; echo "${ROOTFS_PKGS[*]},${ROOTFS_BUILD_PKGS[*]}")
	_rootfs_prune "$dir"
	if ! LAB_KREL=$rel mmdebstrap --variant=apt --mode=root --include="$inc" "${excl[@]}" \
		--customize-hook="LAB_KREL=$rel sh $LAB_DIR/lib/rootfs-hook.sh \"\$1\"" \
		bookworm "$dir/root" "$srcs" >"$dir/mmdebstrap.log" 2>&1; then
		tail -n 30 "$dir/mmdebstrap.log" >&2
		return 1
	fi
	cp "$dir/root/root/.ssh/id_ed25519" "$dir/id_ed25519"
	cp "$dir/root/etc/lab-kver" "$dir/kver"
	phase_end
	phase_begin base-cpio
	_rootfs_cpio "$dir/root" "$(cat "$dir/kver")" >"$dir/base.cpio.zst" || return 1
	phase_end
	touch "$dir/ok"
}

# _rootfs_cpio ROOT KVER [full]: newc cpio (zstd) of ROOT without the excluded paths and
# with only the kernel modules the lab uses.  Also used for a run's overlay dir.
_rootfs_cpio() { _rootfs_cpio_raw "$@" | zstd -q -T0 -6; }

# _rootfs_modules_dir ROOT KVER: the directory D (relative to ROOT) whose
# D/lib/modules/KVER/kernel holds the kernel's modules, for `modprobe -d D`:
# "./usr" (merged /usr, and a run's overlay upper directory, which has no
# lib -> usr/lib link), else "." (modules under a real /lib).  Fails when
# ROOT has neither.
_rootfs_modules_dir() {
	local root=$1 kver=$2
	if [ -d "$root/usr/lib/modules/$kver/kernel" ]; then
		echo ./usr
	elif [ -d "$root/lib/modules/$kver/kernel" ]; then
		echo .
	else
		return 1
	fi
}

# _rootfs_module_files ROOT KVER MODULE...: the files of MODULE... and of the
# modules they depend on, relative to ROOT ("./usr/lib/modules/KVER/..."),
# in load order (dependencies first), each once.  Nothing when ROOT has no
# module tree for KVER.
_rootfs_module_files() {
	local root=$1 kver=$2 d p
	shift 2
	d=$(_rootfs_modules_dir "$root" "$kver") || return 0
	(
		cd "$root" || exit 1
		for p in "$@"; do
			modprobe -d "$d" -S "$kver" --show-depends "$p" 2>/dev/null
		done | sed -n "s|^insmod .*/lib/modules/$kver/\([^ ]*\).*|$d/lib/modules/$kver/\1|p" |
			awk '!seen[$0]++'
	)
}

# _rootfs_cpio_raw ROOT KVER [full]: the uncompressed cpio of _rootfs_cpio.
_rootfs_cpio_raw() {
	local root=$1 kver=$2 prune=() p excl=("${CPIO_EXCLUDES[@]}")
	[ "${3:-}" = full ] && excl=("${CPIO_EXCLUDES_FULL[@]}")
	for p in "${excl[@]}"; do prune+=(-path "$p" -o); done
	prune+=(-path "./usr/lib/modules/$kver/kernel" -o -false)
	(
		cd "$root" || exit 1
		{
			# Whiteouts (0/0 char devices) of an overlay upper dir are not files.
			find . \( "${prune[@]}" \) -prune -o \
				! \( -type c -a ! -path './dev/*' \) -print
			_rootfs_module_files . "$kver" "${LAB_MODULES[@]}" |
				while read -r p; do
					while [ "$p" != . ]; do echo "$p"; p=$(dirname "$p"); done
				done
		} | LC_ALL=C sort -u | cpio --quiet -o -H newc -R 0:0
	)
}

# rootfs_lz4_cpio: sets LAB_BASE_CPIO_LZ4, the base cpio in the legacy lz4
# format (the only lz4 framing the kernel unpacks), made once from the zstd
# one.  Under TCG the kernel unpacks lz4 several times faster than zstd.
rootfs_lz4_cpio() {
	LAB_BASE_CPIO_LZ4=${LAB_BASE_CPIO%.zst}.lz4
	[ -s "$LAB_BASE_CPIO_LZ4" ] && return 0
	phase_begin base-cpio-lz4
	zstd -dc "$LAB_BASE_CPIO" | lz4 -l -q >"$LAB_BASE_CPIO_LZ4.$$" &&
		mv "$LAB_BASE_CPIO_LZ4.$$" "$LAB_BASE_CPIO_LZ4" ||
		{ rm -f "$LAB_BASE_CPIO_LZ4.$$"; die "cannot make $LAB_BASE_CPIO_LZ4"; }
	phase_end
}

# rootfs_boot_files ROOT KVER: the files (absolute paths, symlinks resolved)
# that a guest reads from its root while it boots and takes its first ssh
# login: /init and the programs it runs, sshd with its PAM modules, the
# shell, and all their libraries; the network and Argo modules with
# modprobe's indexes.  With --guest-root squashfs they come first in the
# base image and the guest reads them ahead (image/guest-init): a page fault
# that goes through blkback costs tens of milliseconds under TCG.
rootfs_boot_files() {
	local root=$1 kver=$2 files=() f
	files=(/init /usr/lib/argo-lab/lab-lib.sh /usr/bin/bash /usr/bin/mount /usr/bin/mkdir
		/usr/bin/ln /usr/bin/cut /usr/bin/cat /usr/bin/sleep /usr/bin/tail /usr/sbin/ip
		/usr/bin/kmod /usr/bin/dmesg /usr/sbin/sshd)
	# The PAM modules of sshd's stacks.
	for f in $(grep -oh 'pam_[a-z0-9_]*\.so' "$root"/etc/pam.d/sshd "$root"/etc/pam.d/common-* 2>/dev/null | sort -u); do
		files+=("/usr/lib/x86_64-linux-gnu/security/$f")
	done
	for f in "$root/usr/lib/modules/$kver"/modules.*.bin \
		"$root/usr/lib/modules/$kver/kernel/drivers/net/xen-netfront.ko"* \
		"$root/usr/lib/modules/$kver/updates/dkms/"argo.ko*; do
		[ -e "$f" ] && files+=("${f#"$root"}")
	done
	# shellcheck disable=SC2016
	chroot "$root" /bin/sh -s -- "${files[@]}" <<'EOS'
for f; do
	[ -e "$f" ] || continue
	case $f in
	*.ko*|*.bin|/init|*.sh) ;;
	*) ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' ;;
	esac
	echo "$f"
done | while read -r p; do readlink -f "$p"; done | awk '!seen[$0]++'
EOS
}

# rootfs_guest_squashfs: sets LAB_BASE_SQFS, the guests' read-only root
# (--guest-root squashfs): exactly the files of the base cpio, in a squashfs
# image made once per cached root filesystem, rootfs_boot_files first.  lz4:
# the cheapest to decompress under TCG; pages are read on demand through
# blkback.
rootfs_guest_squashfs() {
	local tmp
	LAB_BASE_SQFS=${LAB_BASE_CPIO%.cpio.zst}-boot-first.sqfs
	[ -s "$LAB_BASE_SQFS" ] && return 0
	phase_begin base-squashfs
	tmp=$(mktemp -d /var/tmp/argo-lab-sqfs.XXXXXX) || die "mktemp failed"
	mkdir "$tmp/root"
	if ! (cd "$tmp/root" && zstd -dc "$LAB_BASE_CPIO" | cpio -idm --quiet --no-absolute-filenames) ||
		! rootfs_boot_files "$LAB_BASE" "$LAB_KVER" | awk '{ print substr($0, 2), 1000 - NR }' >"$tmp/sort" ||
		! mksquashfs "$tmp/root" "$LAB_BASE_SQFS.$$" -comp lz4 -Xhc -no-progress -quiet \
			-sort "$tmp/sort" -processors 2 >/dev/null; then
		rm -rf "$tmp" "$LAB_BASE_SQFS.$$"
		die "cannot make $LAB_BASE_SQFS"
	fi
	rm -rf "$tmp"
	mv "$LAB_BASE_SQFS.$$" "$LAB_BASE_SQFS"
	phase_end
}
