# Helpers of argo-linux's packaged tests (sourced; POSIX sh).
# TAP-ish output: "ok N - text" / "not ok N - text"; the test fails when
# any check failed.

n=0
failed=0
# The lab keeps its helpers (lab-guest) in /usr/lib/argo-tests; autopkgtest's
# ssh session does not have it on PATH.
[ -d /usr/lib/argo-tests ] && PATH=$PATH:/usr/lib/argo-tests && export PATH
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
# check TEXT CMD...: one check.
check() {
	t=$1; shift
	if "$@"; then ok "$t"; else notok "$t"; fi
}
skip() { echo "SKIP: $*"; exit 77; }
bail() { notok "$*"; finish; }
finish() {
	echo "# $n checks, $([ "$failed" = 0 ] && echo all passed || echo some FAILED)"
	exit "$failed"
}

# Skipped only when this is not a Xen domain at all: everything else (no
# Argo in the hypervisor, module not building) is a failure.
require_xen() {
	[ "$(cat /sys/hypervisor/type 2>/dev/null)" = xen ] ||
		skip "not running in a Xen domain (/sys/hypervisor/type is not xen)"
}

# The tests that need a peer domain use the lab's lab-guest helper; in a Xen
# domain without it there is no peer to talk to.
require_peer() {
	command -v lab-guest >/dev/null 2>&1 ||
		skip "no peer domain: run inside the argo-linux Xen lab (lab-guest missing)"
	peer=${ARGO_TEST_PEER:-pv}
	peer_domid=$(lab-guest "$peer" --domid) || bail "lab-guest $peer --domid failed"
	echo "# peer: guest $peer, domid $peer_domid"
}

# Run a command in the peer guest.
on_peer() { lab-guest "$peer" -- "$@" </dev/null; }

# Load the module here (and in the peer when there is one).
load_module() {
	modprobe argo || bail "modprobe argo failed (dmesg: $(dmesg | grep -i argo | tail -n 3))"
	[ -c /dev/argo_dgram ] && [ -c /dev/argo_stream ] ||
		bail "/dev/argo_dgram and /dev/argo_stream missing after modprobe argo"
}

# wait_for SECONDS CMD...: poll until CMD succeeds (0.5 s steps).
wait_for() {
	w_max=$(($1 * 2)); shift
	w_i=0
	while [ "$w_i" -lt "$w_max" ]; do
		"$@" && return 0
		sleep 0.5
		w_i=$((w_i + 1))
	done
	return 1
}

# bg_peer NAME CMD: start shell command CMD in the guest in the background;
# output in /tmp/argo-t-NAME.{out,err}, its exit status in
# /tmp/argo-t-NAME.rc when it ends, its pid in /tmp/argo-t-NAME.pid.
bg_peer() {
	bn=$1; shift
	on_peer sh -c "setsid sh -c '$*; echo \$? >/tmp/argo-t-$bn.rc' \
		</dev/null >/tmp/argo-t-$bn.out 2>/tmp/argo-t-$bn.err & echo \$! >/tmp/argo-t-$bn.pid"
}
peer_done() { on_peer test -s "/tmp/argo-t-$1.rc"; }
# Stop what bg_peer started and remove the guest's temporary files.
cleanup_peer() {
	[ -n "${peer:-}" ] || return 0
	on_peer sh -c 'for p in /tmp/argo-t-*.pid; do [ -f "$p" ] && kill -- -"$(cat "$p")" "$(cat "$p")"; done; rm -rf /tmp/argo-t-*' >/dev/null 2>&1
	return 0
}
