#!/bin/sh
# test-argo-run.sh - argo-run's options become the interposer's
# environment (TAP).  Needs $ARGO_RUN (the built script) and $PRELOAD.
set -u
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
if [ ! -r "${ARGO_RUN:-}" ] || [ ! -r "${PRELOAD:-}" ]; then
	echo "1..0 # SKIP ARGO_RUN or PRELOAD missing"
	exit 0
fi
unset INET_IS_ARGO ARGO_INET6 ARGO_MAP ARGO_FALLBACK ARGO_INTERPOSE_DEBUG LD_PRELOAD || :
export ARGO_PRELOAD="$PRELOAD"
run() { sh "$ARGO_RUN" "$@"; }
# envof VAR ARGS...: the value of VAR in the program argo-run starts
# (printenv runs with the interposer preloaded: it makes no sockets).
envof() { var=$1; shift; run "$@" -- printenv "$var"; }

[ "$(envof INET_IS_ARGO)" = 1 ]
ok $? "INET_IS_ARGO=1 is set"
[ "$(envof LD_PRELOAD)" = "$PRELOAD" ]
ok $? "LD_PRELOAD is the interposer"
[ "$(LD_PRELOAD=/lib/other.so envof LD_PRELOAD 2>/dev/null)" = "$PRELOAD /lib/other.so" ]
ok $? "an existing LD_PRELOAD is kept after it"
[ "$(envof ARGO_MAP -m 'tcp/*:80=inet default')" = 'tcp/*:80=inet default' ]
ok $? "-m RULES sets ARGO_MAP"
[ "$(envof ARGO_MAP --map='*:22=local')" = '*:22=local' ]
ok $? "--map=RULES sets ARGO_MAP"
[ "$(envof ARGO_MAP -d 10.99.0.0)" = '10.99.0.0/16=offset default' ]
ok $? "-d ADDR puts an offset rule before the defaults"
[ "$(envof ARGO_INET6 -6)" = 1 ]
ok $? "-6 sets ARGO_INET6=1"
[ "$(envof ARGO_FALLBACK -f)" = tcp ]
ok $? "-f sets ARGO_FALLBACK=tcp"
[ "$(envof ARGO_INTERPOSE_DEBUG -v -v)" = 2 ]
ok $? "-v -v sets ARGO_INTERPOSE_DEBUG=2"
[ "$(run printenv INET_IS_ARGO)" = 1 ]
ok $? "the program may follow the options without --"
run --help | grep -q '^Usage: argo-run'
ok $? "--help prints the usage, status 0"
run --version | grep -q '^argo-run '
ok $? "--version"
run --bogus -- true 2>/dev/null
[ $? = 125 ]
ok $? "unknown option: status 125"
run 2>/dev/null
[ $? = 125 ]
ok $? "no program: status 125"
ARGO_PRELOAD=/nonexistent/libargo-preload.so run true 2>"${TMPDIR:-/tmp}/argo-run.$$"
[ $? = 125 ] && grep -q 'not found' "${TMPDIR:-/tmp}/argo-run.$$"
ok $? "interposer missing: status 125 and a message"
rm -f "${TMPDIR:-/tmp}/argo-run.$$"
run sh -c 'exit 7'
[ $? = 7 ]
ok $? "the program's exit status is passed on"
echo "1..$n"
[ "$failed" = 0 ]
