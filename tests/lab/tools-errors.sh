#!/bin/bash
# tools-errors.sh - what argo-ping and argo-cat say when things go wrong on
# a real Xen host: connection refused, an unknown domain, the module not
# loaded; each a one-line error and the documented exit status.
#
#   dom0 --- argo-cat/argo-ping ---> pv   (nothing listening)
#   dom0 --- argo-ping ------------> domain 4000 (does not exist)
#   pv: rmmod argo; argo-ping / argo-cat (module missing)
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
ON_TIMEOUT=120
need_guests pv
lines() { [ "$(printf '%s\n' "$1" | wc -l)" = 1 ]; }
pv=$(domid pv)

out=$(on dom0 "argo-cat $pv 0x7e01 < /dev/null" 2>&1); rc=$?
echo "# $out"
check "argo-cat to a port nobody listens on: exit 1 (got $rc)" test $rc = 1
check "argo-cat: one line, 'connection refused'" \
	eval 'lines "$out" && grep -q "cannot connect to $pv:32257: connection refused" <<<"$out"'

out=$(on dom0 "argo-ping -c 2 -i 0.2 -W 1 $pv:0x7e02" 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
check "argo-ping without a responder: exit 1 (got $rc)" test $rc = 1
check "argo-ping: 100% loss, errors counted" \
	grep -q '2 packets transmitted, 0 received, +2 errors, 100% packet loss' <<<"$out"

# Xen refuses a ring whose partner does not exist (EHOSTUNREACH): ping(8)
# treats an unknown host as an error, so does argo-ping (2).
out=$(on dom0 "argo-ping -c 1 -W 1 4000" 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
check "argo-ping to a domain that does not exist: exit 2 (got $rc)" test $rc = 2
check "argo-ping: one line, 'domain 4000: no such domain'" \
	eval 'lines "$out" && grep -q "^argo-ping: domain 4000: no such domain" <<<"$out"'

out=$(on dom0 "argo-cat 4000 7 < /dev/null" 2>&1); rc=$?
check "argo-cat to a domain that does not exist: exit 1, one line (got $rc: $out)" \
	eval 'test $rc = 1 && lines "$out"'

check "pv: rmmod argo (to test the tools without it)" on pv 'rmmod argo'
out=$(on pv "argo-ping -c 1 0" 2>&1); rc=$?
echo "# $out"
check "argo-ping without the module: exit 3 (got $rc)" test $rc = 3
check "argo-ping: 'the argo module is not loaded (modprobe argo'" \
	grep -q 'the argo module is not loaded (modprobe argo' <<<"$out"
out=$(on pv "argo-cat -l 7" 2>&1); rc=$?
check "argo-cat without the module: exit 3, one line (got $rc: $out)" \
	eval 'test $rc = 3 && lines "$out"'
on pv 'modprobe argo' || not_ok "pv: modprobe argo again"

out=$(on dom0 "argo-cat -l -w 1 0x7e03" 2>&1); rc=$?
check "argo-cat -l -w 1 with nobody connecting: exit 1, one line (got $rc: $out)" \
	eval 'test $rc = 1 && lines "$out"'
finish
