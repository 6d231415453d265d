# shellcheck shell=bash
# Per-run image: the project's .debs (argo.ko built by DKMS for the guest kernel),
# tests/lab and the lab's own files installed in an overlay of the cached base;
# the overlay's upper directory becomes a small cpio appended to the base cpio.

_image_mounts=()
image_cleanup() {
	local i
	for ((i = ${#_image_mounts[@]} - 1; i >= 0; i--)); do
		umount -l "${_image_mounts[$i]}" 2>/dev/null
	done
	_image_mounts=()
}

_image_mount() { mount "$@" && _image_mounts+=("${@: -1}"); }

# image_build WORK DEBDIR: writes $WORK/in/{vmlinuz,initrd}, and with
# --guest-root squashfs the guests' $WORK/in/{guest-initrd,guest-base.sqfs,guest-run.sqfs}.
image_build() {
	local work=$1 debs=$2 m=$1/merged kver=$LAB_KVER
	mkdir -p "$work/upper" "$work/ovl" "$m" "$work/in"
	_image_mount -t overlay overlay \
		-o "lowerdir=$LAB_BASE,upperdir=$work/upper,workdir=$work/ovl" "$m" || return 1
	_image_mount -t proc proc "$m/proc" || return 1
	_image_mount --bind /dev "$m/dev" || return 1
	if [ -n "$debs" ]; then
		mkdir -p "$m/tmp/argo-debs"
		find "$debs" -maxdepth 1 -name '*.deb' ! -name '*-dbgsym_*' -exec cp {} "$m/tmp/argo-debs/" \;
		log "installing $(cd "$m/tmp/argo-debs" && echo *.deb) for kernel $kver"
		if ! chroot "$m" env DEBIAN_FRONTEND=noninteractive PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			sh -c 'apt-get install -y -q --no-install-recommends /tmp/argo-debs/*.deb' \
			>"$work/install.log" 2>&1; then
			tail -n 30 "$work/install.log" >&2
			find "$m/var/lib/dkms" -name make.log 2>/dev/null | while read -r f; do
				echo "----- last lines of $f -----" >&2
				tail -n 40 "$f" >&2
				cp "$f" "$LAB_RESULTS/dkms-make.log" 2>/dev/null
			done
			cp "$work/install.log" "$LAB_RESULTS/image-install.log" 2>/dev/null
			log "installing the .debs in the image failed (log: $LAB_RESULTS/image-install.log)"
			return 1
		fi
		rm -rf "$m/tmp/argo-debs"
		if [ "$LAB_KERNEL" = sid ]; then
			sid_install_kernel "$m" || return 1
		else
			_image_dkms "$m" "$kver" "$work" || return 1
		fi
	fi
	# tests/lab and its built programs at /usr/lib/argo-tests (on PATH).
	if [ -d "$LAB_TOP/tests/lab" ]; then
		mkdir -p "$m/usr/lib/argo-tests"
		cp -a "$LAB_TOP/tests/lab/." "$m/usr/lib/argo-tests/"
		if [ -d "$LAB_TOP/tests/lab/progs" ]; then
			find "$LAB_TOP/tests/lab/progs" -maxdepth 1 -type f -perm -u+x \
				-exec cp -a {} "$m/usr/lib/argo-tests/" \;
		fi
		if [ -n "$debs" ] && [ "$LAB_KERNEL" != sid ]; then
			_image_xmprobe "$m" "$kver" "$work"
		fi
	fi
	install -m 755 "$LAB_DIR/image/init" "$m/init"
	install -m 755 "$LAB_DIR/image/lab-guest" "$m/usr/local/sbin/lab-guest"
	mkdir -p "$m/usr/lib/argo-lab"
	install -m 644 "$LAB_DIR/image/lab-lib.sh" "$m/usr/lib/argo-lab/lab-lib.sh"
	install -m 755 "$LAB_DIR/image/vif-lab" "$m/usr/lib/argo-lab/vif-lab"
	install -m 755 "$LAB_DIR/image/block-lab" "$m/usr/lib/argo-lab/block-lab"
	install -m 755 "$LAB_DIR/image/argo-ring-check" "$m/usr/local/sbin/argo-ring-check"
	if [ "$LAB_GUEST_ROOT" = squashfs ]; then
		_image_guest_initrd "$m" "$kver" "$work" || return 1
	fi
	image_cleanup
	_rootfs_cpio_raw "$work/upper" "$kver" >"$work/overlay.cpio" || return 1
	# dom0's initramfs (and the guests' with --guest-root initramfs): the
	# cached base and the run's files.  lz4 by default: dom0 unpacks it in
	# about a third of zstd's time under TCG.
	case ${LAB_INITRD_COMP:-lz4} in
	lz4)
		rootfs_lz4_cpio
		lz4 -l -q <"$work/overlay.cpio" >"$work/overlay.cpio.lz4" || return 1
		cat "$LAB_BASE_CPIO_LZ4" "$work/overlay.cpio.lz4" >"$work/in/initrd"
		;;
	zstd)
		zstd -q -T0 -6 <"$work/overlay.cpio" >"$work/overlay.cpio.zst" || return 1
		cat "$LAB_BASE_CPIO" "$work/overlay.cpio.zst" >"$work/in/initrd"
		;;
	*) log "LAB_INITRD_COMP must be lz4 or zstd"; return 1 ;;
	esac
	if [ "$LAB_GUEST_ROOT" = squashfs ]; then
		_image_guest_squashfs "$work" || return 1
	fi
	# The full image (xen-lab sshd) is dom0's only: xl crashed loading a
	# 130 MB initramfs into a PVH guest, and the guests do not need it.
	if [ "${LAB_FULL_IMAGE:-0}" = 1 ]; then
		_rootfs_cpio "$work/upper" "$kver" full >"$work/overlay-full.cpio.zst" || return 1
		cat "$LAB_BASE_CPIO_FULL" "$work/overlay-full.cpio.zst" >"$work/initrd-dom0"
	else
		ln "$work/in/initrd" "$work/initrd-dom0"
	fi
	ln "$LAB_VMLINUX" "$work/in/vmlinuz" 2>/dev/null || cp "$LAB_VMLINUX" "$work/in/vmlinuz"
}

# tests/lab/xen-model.sh's inputs: the model's scenarios (tests/unit/traces)
# and xmprobe.ko (test-only, tests/lab/xmprobe) built for the guest kernel
# here, at host speed, against the installed argo source's hypercall layer
# (the image has no compiler).  A failed build only fails xen-model.sh.
_image_xmprobe() {
	local m=$1 kver=$2 work=$3 src start
	mkdir -p "$m/usr/lib/argo-tests/traces"
	cp "$LAB_TOP"/tests/unit/traces/*.trace "$m/usr/lib/argo-tests/traces/" 2>/dev/null
	src=$(cd "$m" && find usr/src -maxdepth 3 -path 'usr/src/argo-*/src/module' | sort -V | tail -n 1)
	[ -n "$src" ] && [ -d "$LAB_TOP/tests/lab/xmprobe" ] || return 0
	rm -rf "$m/tmp/xmprobe" && mkdir -p "$m/tmp/xmprobe"
	cp "$LAB_TOP"/tests/lab/xmprobe/{Kbuild,*.c,*.h} "$m/tmp/xmprobe/"
	start=$SECONDS
	if chroot "$m" env PATH=/usr/sbin:/usr/bin:/sbin:/bin make -C "/usr/src/linux-headers-$kver" \
		M=/tmp/xmprobe ARGO_SRC="/$src" modules >"$work/xmprobe.log" 2>&1; then
		install -m 644 "$m/tmp/xmprobe/xmprobe.ko" "$m/usr/lib/argo-tests/xmprobe.ko"
		log "xmprobe.ko (tests/lab/xen-model.sh) built in $((SECONDS - start)) s"
	else
		cp "$work/xmprobe.log" "$LAB_RESULTS/xmprobe-build.log" 2>/dev/null
		log "building xmprobe.ko failed (log: $LAB_RESULTS/xmprobe-build.log); xen-model.sh will fail"
	fi
	rm -rf "$m/tmp/xmprobe"
}

# DKMS: build and install every registered module for the guest kernel (not the
# host's uname -r), then check argo.ko is there.
_image_dkms() {
	local m=$1 kver=$2 work=$3 mv
	for mv in $(chroot "$m" dkms status 2>/dev/null | sed -n 's|^\([^/,]*\)[/,] *\([^,:]*\).*|\1/\2|p' | sort -u); do
		if ! chroot "$m" env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			dkms install --force "$mv" -k "$kver" >>"$work/dkms.log" 2>&1; then
			tail -n 40 "$work/dkms.log" >&2
			find "$m/var/lib/dkms" -name make.log -exec tail -n 40 {} \; >&2
			log "DKMS could not build $mv for $kver (log: $work/dkms.log)"
			return 1
		fi
	done
	chroot "$m" /sbin/depmod "$kver"
	if ! find "$m/usr/lib/modules/$kver" -name 'argo.ko*' | grep -q .; then
		log "argo.ko for $kver is not in the image after installing the .debs"
		return 1
	fi
}

# The guests' root with --guest-root squashfs: two read-only layers, the
# cached base (rootfs_guest_squashfs) and this run's files (the same as the
# overlay cpio: the .debs, argo.ko, tests/lab, the lab's scripts), which dom0
# exports through loop devices and blkback as xvda and xvdb.
_image_guest_squashfs() {
	local work=$1 dir=$1/guest-run
	rootfs_guest_squashfs
	mkdir -p "$dir"
	(cd "$dir" && cpio -idm --quiet --no-absolute-filenames) <"$work/overlay.cpio" || return 1
	mksquashfs "$dir" "$work/in/guest-run.sqfs" -comp lz4 -no-progress -quiet \
		-processors 2 >/dev/null || { log "mksquashfs of the run's files failed"; return 1; }
	rm -rf "$dir"
	ln "$LAB_BASE_SQFS" "$work/in/guest-base.sqfs" 2>/dev/null ||
		cp "$LAB_BASE_SQFS" "$work/in/guest-base.sqfs"
}

# _image_guest_initrd MERGED KVER WORK: the guests' small initramfs for
# --guest-root squashfs (image/guest-init): busybox with its libraries, the
# modules that mount the root (xen-blkfront, squashfs, overlay, and what
# they need), uncompressed so that busybox's insmod loads them on any of the
# lab's kernels, and the list of files to read ahead (rootfs_boot_files).
_image_guest_initrd() {
	local m=$1 kver=$2 work=$3 b=$3/guest-boot f name lib
	rm -rf "$b"
	mkdir -p "$b"/{bin,dev,proc,sys,lower/base,lower/run,rw,newroot,modules}
	install -m 755 "$LAB_DIR/image/guest-init" "$b/init"
	cp -L "$m/usr/bin/busybox" "$b/bin/busybox" || return 1
	for lib in $(chroot "$m" ldd /usr/bin/busybox | awk '$2 == "=>" { print $3 } $1 ~ /^\// { print $1 }'); do
		mkdir -p "$b/${lib%/*}"
		cp -L "$m$lib" "$b$lib" || return 1
	done
	: >"$b/modules/order"
	for f in $(_rootfs_module_files "$m" "$kver" xen-blkfront squashfs overlay); do
		name=${f##*/}
		case $name in
		*.ko) cp "$m/$f" "$b/modules/$name" ;;
		*.ko.xz) name=${name%.xz}; xz -dc "$m/$f" >"$b/modules/$name" ;;
		*.ko.zst) name=${name%.zst}; zstd -q -dc "$m/$f" >"$b/modules/$name" ;;
		*.ko.gz) name=${name%.gz}; gzip -dc "$m/$f" >"$b/modules/$name" ;;
		*) log "unknown module file $f"; return 1 ;;
		esac || return 1
		echo "$name" >>"$b/modules/order"
	done
	for name in xen-blkfront squashfs overlay; do
		grep -qx "$name.ko" "$b/modules/order" ||
			grep -q "/$name\.ko\$" "$m/usr/lib/modules/$kver/modules.builtin" 2>/dev/null ||
			{ log "no $name.ko for $kver in the image: cannot boot guests from squashfs"; return 1; }
	done
	rootfs_boot_files "$m" "$kver" >"$b/prefetch" || return 1
	mknod -m 600 "$b/dev/console" c 5 1
	(cd "$b" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$work/in/guest-initrd" ||
		return 1
	rm -rf "$b"
}
