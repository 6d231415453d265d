# shellcheck shell=bash
# Common helpers of xen-lab: logging, bounded waits, dependency install, cache keys.

LAB_CACHE=${LAB_CACHE:-/var/cache/argo-lab}
LAB_MIRROR=${LAB_MIRROR:-http://deb.debian.org/debian}

log()  { printf '[xen-lab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die()  { printf '[xen-lab] ERROR: %s\n' "$*" >&2; exit 1; }

# Phase timing: phase_begin NAME ... phase_end; results appended to $LAB_TIMINGS.
_phase_name= _phase_t0=
phase_begin() {
	_phase_name=$1 _phase_t0=$(date +%s.%N)
	log "phase $1 ..."
}
phase_end() {
	local t1 dt
	t1=$(date +%s.%N)
	dt=$(awk -v a="$_phase_t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	log "phase $_phase_name done in ${dt}s"
	[ -n "${LAB_TIMINGS:-}" ] && printf 'host %-24s %8ss\n' "$_phase_name" "$dt" >>"$LAB_TIMINGS"
	_phase_name=
}

# need_pkgs PKG...: install the Debian packages that are missing, quietly.
need_pkgs() {
	local p missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}" >"$LAB_CACHE/apt-install.log" 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get update -q >>"$LAB_CACHE/apt-install.log" 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >>"$LAB_CACHE/apt-install.log" 2>&1 ||
			{ tail -n 20 "$LAB_CACHE/apt-install.log" >&2; die "apt-get install ${missing[*]} failed"; }
	fi
}

# Everything the host side of the lab uses.
host_deps() {
	mkdir -p "$LAB_CACHE"
	need_pkgs qemu-system-x86 mmdebstrap zstd cpio bison flex python3 build-essential \
		dpkg-dev fakeroot openssh-client rsync util-linux kmod lz4 squashfs-tools xz-utils
}

# key_of STRING...: short stable hash used in cache directory names.
key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-12; }

# with_lock FILE CMD...: run CMD holding an exclusive lock (parallel runs share the cache).
with_lock() {
	local f=$1; shift
	mkdir -p "$(dirname "$f")"
	(
		flock -w 1800 9 || die "could not lock $f within 30 min"
		"$@"
	) 9>"$f"
}
