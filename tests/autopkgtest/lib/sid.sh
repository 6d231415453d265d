# shellcheck shell=bash
# --kernel sid: Debian unstable's newest kernel in dom0 and the guests.
#
# The root filesystem stays bookworm's (the toolstack must match the 4.17
# hypervisor); only the kernel comes from sid.  Sid's kernel headers need
# sid's compiler, which bookworm cannot install, so a small sid chroot
# (cached, rebuilt after a week because sid moves) holds the headers and the
# compiler, and argo.ko is built there from the source that the argo-dkms
# package installed in the run's image: the packaged source, as DKMS would
# build it, only with the compiler the kernel was built with.

SID_MAX_AGE_MIN=$((7 * 24 * 60))

# sid_prepare: sets LAB_SID (the cached sid chroot), LAB_KVER and LAB_VMLINUX.
sid_prepare() {
	local dir=$LAB_CACHE/sid
	if [ -f "$dir/ok" ] && [ -n "$(find "$dir/ok" -mmin +"$SID_MAX_AGE_MIN")" ]; then
		log "the cached sid kernel chroot is over a week old: rebuilding it"
		rm -f "$dir/ok"
	fi
	[ -f "$dir/ok" ] || with_lock "$LAB_CACHE/sid.lock" _sid_make "$dir" ||
		die "building the sid kernel chroot failed (log: $dir/mmdebstrap.log)"
	LAB_SID=$dir/root
	LAB_KVER=$(cat "$dir/kver")
	LAB_VMLINUX=$dir/vmlinux
}

# Run in the sid chroot: download the newest kernel's image package and,
# since 7.x, the binary, modules and base (modules.builtin...) packages it
# depends on.
_sid_download='mkdir -p /tmp/kdeb && cd /tmp/kdeb &&
k=$(ls /usr/src | sed -n "s/^linux-headers-\\(.*-amd64\\)\$/\\1/p" | sort -V | tail -n 1) &&
apt-get download -q "linux-image-$k" &&
for p in "linux-binary-$k" "linux-modules-$k" "linux-base-$k"; do
	if apt-cache show "$p" >/dev/null 2>&1; then apt-get download -q "$p" || exit 1; fi
done'

_sid_make() {
	local dir=$1 kver deb vmlinuz
	[ -f "$dir/ok" ] && return 0
	phase_begin sid-chroot
	rm -rf "$dir" && mkdir -p "$dir"
	printf '%s\n' "$_sid_download" >"$dir/download.sh"
	# The mirror may serve a sid snapshot whose Release has expired.
	if ! mmdebstrap --variant=apt --mode=root --aptopt='Acquire::Check-Valid-Until "false"' \
		--include=gcc,make,linux-headers-amd64,kmod,xz-utils,zstd \
		--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
		--dpkgopt='path-exclude=/usr/share/locale/*' \
		--customize-hook="cp '$dir/download.sh' \"\$1/tmp/\" && chroot \"\$1\" sh /tmp/download.sh" \
		--customize-hook='mv "$1"/tmp/kdeb/*.deb "$1"/../' \
		sid "$dir/root" "deb $LAB_MIRROR sid main" >"$dir/mmdebstrap.log" 2>&1; then
		tail -n 30 "$dir/mmdebstrap.log" >&2
		return 1
	fi
	kver=$(cd "$dir/root/usr/src" && ls -d linux-headers-*-amd64 | sed 's/^linux-headers-//' | sort -V | tail -n 1)
	[ -n "$kver" ] || { log "no kernel headers in the sid chroot"; return 1; }
	mkdir -p "$dir/kernel"
	for deb in "$dir"/*.deb; do
		dpkg-deb -x "$deb" "$dir/kernel" || return 1
	done
	rm -f "$dir"/*.deb
	# Merged /usr or not, the modules end up under usr/lib/modules.
	if [ -d "$dir/kernel/lib/modules" ] && [ ! -L "$dir/kernel/lib" ]; then
		mkdir -p "$dir/kernel/usr/lib"
		mv "$dir/kernel/lib/modules" "$dir/kernel/usr/lib/modules"
	fi
	[ -d "$dir/kernel/usr/lib/modules/$kver" ] || { log "sid's kernel package has no modules for $kver"; return 1; }
	# 7.x packages keep the image beside the modules, older ones in /boot.
	vmlinuz=$dir/kernel/usr/lib/modules/$kver/vmlinuz
	[ -f "$vmlinuz" ] || vmlinuz=$dir/kernel/boot/vmlinuz-$kver
	"$LAB_DIR/lib/vmlinux-from-bzimage" "$vmlinuz" "$dir/vmlinux" || return 1
	echo "$kver" >"$dir/kver"
	phase_end
	touch "$dir/ok"
}

# sid_install_kernel MERGED: put sid's kernel modules and an argo.ko built
# from the image's /usr/src/argo-*/ into the run's image MERGED.
sid_install_kernel() {
	local m=$1 kver=$LAB_KVER src build
	mkdir -p "$m/usr/lib/modules"
	cp -a "$LAB_CACHE/sid/kernel/usr/lib/modules/$kver" "$m/usr/lib/modules/" || return 1
	src=$(find "$m/usr/src" -maxdepth 1 -name 'argo-*' -type d | sort -V | tail -n 1)
	[ -n "$src" ] || { log "no /usr/src/argo-* in the image: is argo-dkms installed?"; return 1; }
	build=$(mktemp -d "$LAB_SID/tmp/argo-build.XXXXXX") || return 1
	cp -a "$src/." "$build/"
	# The build command of dkms.conf, run by hand; objtool reads /proc.
	if ! unshare --mount --propagation private sh -c 'mount -t proc proc "$1/proc" && exec chroot "$@"' \
		sh "$LAB_SID" make -C "/tmp/${build##*/}/src/module" KDIR="/usr/src/linux-headers-$kver" \
		>"$LAB_RESULTS/sid-module-build.log" 2>&1; then
		tail -n 30 "$LAB_RESULTS/sid-module-build.log" >&2
		log "building argo.ko for $kver in the sid chroot failed (log: $LAB_RESULTS/sid-module-build.log)"
		rm -rf "$build"
		return 1
	fi
	mkdir -p "$m/usr/lib/modules/$kver/updates/dkms"
	install -m 644 "$build/src/module/argo.ko" "$m/usr/lib/modules/$kver/updates/dkms/argo.ko"
	rm -rf "$build"
	chroot "$m" /sbin/depmod "$kver"
}
