# shellcheck shell=bash
# Build Xen's hypervisor from Debian's source package with Argo enabled.
# Result: $LAB_XEN (the multiboot image xen/xen), cached by source version + config.

XEN_SRC_LIST=/etc/apt/sources.list.d/argo-lab-src.sources

# The configuration delta applied on top of `make defconfig`.
XEN_CONFIG_DELTA='CONFIG_UNSUPPORTED=y
CONFIG_ARGO=y
# CONFIG_XEN_SHSTK is not set
# CONFIG_XEN_IBT is not set'

xen_ensure_deb_src() {
	if ! apt-get source --print-uris -q xen >/dev/null 2>&1; then
		log "adding a deb-src entry for bookworm main in $XEN_SRC_LIST"
		cat >"$XEN_SRC_LIST" <<EOS
# Added by argo-linux tests/autopkgtest/xen-lab: Xen's source to build it with Argo.
Types: deb-src
URIs: $LAB_MIRROR
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
		apt-get update -q >"$LAB_CACHE/apt-update.log" 2>&1 ||
			{ tail -n 20 "$LAB_CACHE/apt-update.log" >&2; die "apt-get update failed"; }
	fi
}

# The version of the xen source package the mirror's bookworm main offers.
xen_src_version() {
	apt-cache showsrc xen 2>/dev/null | awk '/^Version:/ { print $2 }' | sort -V | tail -n 1
}

xen_build() {
	local ver key dir src
	xen_ensure_deb_src
	ver=$(xen_src_version)
	[ -n "$ver" ] || die "no xen source package found (deb-src for bookworm main?)"
	key=$(key_of "$ver" "$XEN_CONFIG_DELTA")
	dir=$LAB_CACHE/xen/$ver-$key
	LAB_XEN=$dir/xen
	LAB_XEN_VERSION=$ver
	if [ -s "$dir/xen" ] && [ -f "$dir/ok" ]; then
		return 0
	fi
	phase_begin xen-build
	rm -rf "$dir" && mkdir -p "$dir/src"
	(
		cd "$dir/src" || exit 1
		apt-get source -q --only-source "xen=$ver" >"$dir/source.log" 2>&1 ||
			{ tail -n 20 "$dir/source.log" >&2; exit 1; }
		src=$(find . -mindepth 1 -maxdepth 1 -type d -name 'xen-*' | head -n 1)
		[ -n "$src" ] || { echo "unpacked source not found" >&2; exit 1; }
		cd "$src/xen" || exit 1
		{
			make defconfig &&
			sed -i -e '/CONFIG_XEN_SHSTK[= ]/d' -e '/CONFIG_XEN_IBT[= ]/d' \
				-e '/CONFIG_UNSUPPORTED[= ]/d' -e '/CONFIG_ARGO[= ]/d' .config &&
			printf '%s\n' "$XEN_CONFIG_DELTA" >>.config &&
			make olddefconfig &&
			make -j"$(nproc)"
		} >"$dir/build.log" 2>&1 || { tail -n 30 "$dir/build.log" >&2; exit 1; }
		for c in CONFIG_ARGO=y CONFIG_UNSUPPORTED=y; do
			grep -qx "$c" .config || { echo "$c missing from .config" >&2; exit 1; }
		done
		! grep -qE '^CONFIG_XEN_(SHSTK|IBT)=y' .config ||
			{ echo "SHSTK/IBT still enabled" >&2; exit 1; }
		nm xen-syms | grep -qw do_argo_op ||
			{ echo "do_argo_op not in xen-syms: Argo not built" >&2; exit 1; }
		cp xen "$dir/xen" && cp .config "$dir/config" && cp xen-syms "$dir/xen-syms"
	) || die "building Xen $ver with Argo failed (logs in $dir)"
	rm -rf "$dir/src"
	touch "$dir/ok"
	phase_end
}
