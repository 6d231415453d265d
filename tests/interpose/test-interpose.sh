#!/bin/sh
# test-interpose.sh - the interposer against the fake device (TAP).
#
# Runs ip-prog, an ordinary IPv4 program, with
# LD_PRELOAD="libargo-preload.so fakedev.so" in each mode and relays its
# TAP lines; checks the stderr messages a user sees.  Needs $PRELOAD,
# $FAKEDEV and $IPPROG (set by make check).
set -u
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}

if [ ! -r "${PRELOAD:-}" ] || [ ! -r "${FAKEDEV:-}" ] || [ ! -x "${IPPROG:-}" ]; then
	echo "1..0 # SKIP PRELOAD, FAKEDEV or IPPROG missing"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ARGO_FAKE_NS="ip$$"
unset INET_IS_ARGO ARGO_INET6 ARGO_MAP ARGO_FALLBACK ARGO_INTERPOSE_DEBUG ARGO_FAKE_MISSING || :

# run NAME ENV... -- MODE: ip-prog under the interposer; its TAP lines are
# renumbered into ours, its stderr kept in $tmp/NAME.err.
run() {
	name=$1; shift
	env LD_PRELOAD="$PRELOAD $FAKEDEV" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*" - "*) ok 0 "$name: ${line#ok * - }" ;;
		"not ok "*" - "*) ok 1 "$name: ${line#not ok * - }" ;;
		esac
	done <"$tmp/$name.out"
	sed "s/^/# $name stderr: /" "$tmp/$name.err"
	return $rc
}

run inproc INET_IS_ARGO=1 ARGO_LOCAL_DOMID=0 "$IPPROG" inproc
ok $? "inproc: exit status 0"
[ ! -s "$tmp/inproc.err" ]
ok $? "inproc: nothing on stderr"

run off-unset "$IPPROG" off
ok $? "INET_IS_ARGO unset: off"
run off-zero INET_IS_ARGO=0 "$IPPROG" off
ok $? "INET_IS_ARGO=0: off (OpenXT turned it on)"
run off-yes INET_IS_ARGO=yes "$IPPROG" off
ok $? "INET_IS_ARGO=yes: off (only \"1\" switches it on)"

run missing INET_IS_ARGO=1 ARGO_FAKE_MISSING=1 "$IPPROG" missing
ok $? "no device: calls fail"
[ "$(grep -c '^argo-interpose: /dev/argo_stream missing: ' "$tmp/missing.err")" = 1 ]
ok $? "no device: exactly one message on stderr"

run fallback INET_IS_ARGO=1 ARGO_FAKE_MISSING=1 ARGO_FALLBACK=tcp "$IPPROG" fallback
ok $? "no device, ARGO_FALLBACK=tcp: TCP/IP works"
grep -q 'using TCP/IP as ARGO_FALLBACK=tcp asks' "$tmp/fallback.err"
ok $? "fallback: says so on stderr"

run badmap INET_IS_ARGO=1 ARGO_MAP='127.0.0.1=nowhere' "$IPPROG" badmap
ok $? "bad ARGO_MAP: IPv4 refused"
grep -q '^argo-interpose: ARGO_MAP: rule "127.0.0.1=nowhere": ' "$tmp/badmap.err"
ok $? "bad ARGO_MAP: the message names the rule"

run inet-rule INET_IS_ARGO=1 ARGO_LOCAL_DOMID=0 ARGO_MAP='tcp/127.0.0.1:7=inet default' "$IPPROG" inet-rule
ok $? "ARGO_MAP rule keeps a port on TCP/IP"

run inet6 INET_IS_ARGO=1 ARGO_LOCAL_DOMID=0 ARGO_INET6=1 "$IPPROG" inet6
ok $? "ARGO_INET6=1: ::, ::1 and ::ffff:IPv4 on Argo"
run inet6-off INET_IS_ARGO=1 ARGO_LOCAL_DOMID=0 "$IPPROG" inet6-off
ok $? "IPv6 stays on IP unless ARGO_INET6=1"

run debug INET_IS_ARGO=1 ARGO_LOCAL_DOMID=0 ARGO_INTERPOSE_DEBUG=1 "$IPPROG" inet-rule
grep -q 'is now an Argo stream socket' "$tmp/debug.err"
ok $? "ARGO_INTERPOSE_DEBUG=1 logs the decisions"

echo "1..$n"
[ "$failed" = 0 ]
