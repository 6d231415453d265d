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

# image_build WORK DEBDIR: writes $WORK/in/{vmlinuz,initrd}.
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
	install -m 755 "$LAB_DIR/image/argo-ring-check" "$m/usr/local/sbin/argo-ring-check"
	image_cleanup
	_rootfs_cpio "$work/upper" "$kver" >"$work/overlay.cpio.zst" || return 1
	cat "$LAB_BASE_CPIO" "$work/overlay.cpio.zst" >"$work/in/initrd"
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
