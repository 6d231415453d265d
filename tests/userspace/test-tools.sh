#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# test-tools.sh - argo-ping and argo-cat end to end against the fake
# device (fakedev.so): two "domains" are two processes with different
# ARGO_FAKE_DOMID values.
#
#     domain 0 (client)                    domain 1 (listener)
#     argo-ping / argo-cat  ---- fake ----  argo-ping -l / argo-cat -l
#                             (AF_UNIX)
#
# Run by make check (which sets FAKEDEV and TOOLS).  Prints TAP.
set -u

if [ -z "${FAKEDEV:-}" ] || [ -z "${TOOLS:-}" ]; then
	echo "1..0 # SKIP FAKEDEV/TOOLS not set (run through make check)"
	exit 77
fi
PING="$TOOLS/argo-ping"
CAT="$TOOLS/argo-cat"
export LD_PRELOAD="$FAKEDEV"
export ARGO_FAKE_NS="tools-$$"
T=$(mktemp -d /tmp/argo-tools-test.XXXXXX)
n=0
failed=0
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

ok() {		# ok CONDITION-STATUS TEXT
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}

check() {	# check TEXT COMMAND...: ok if COMMAND succeeds
	text=$1
	shift
	"$@"
	ok $? "$text"
}

# In domain 1, in the background.
dom1() {
	ARGO_FAKE_DOMID=1 "$@" &
	pids="$pids $!"
	last=$!
}

# Wait until domain DOM has bound PORT (s: stream, d: datagram).
wait_bound() {
	i=0
	while ! grep -q "@argo-fake/$ARGO_FAKE_NS/$1/$2/$3\$" /proc/net/unix; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.05
	done
}

one_line() {	# the file has exactly one line, matching a pattern
	[ "$(wc -l < "$1")" -eq 1 ] && grep -q "$2" "$1"
}

# ---- --help, --version, usage errors ----
for t in "$PING" "$CAT"; do
	name=${t##*/}
	"$t" --help > "$T/out" 2>&1
	ok $? "$name --help exits 0"
	grep -q "^Usage: $name" "$T/out"
	ok $? "$name --help prints the usage"
	"$t" --version > "$T/out" 2>&1
	ok $? "$name --version exits 0"
	grep -q "^$name (argo-linux) [0-9]" "$T/out"
	ok $? "$name --version prints the version"
	"$t" --no-such-option > "$T/out" 2>&1
	ok $(( $? != 2 )) "$name with an unknown option exits 2"
	one_line "$T/out" "^$name: unknown option"
	ok $? "$name: one-line error for an unknown option"
done
"$CAT" 1 > "$T/out" 2>&1
ok $(( $? != 2 )) "argo-cat DOMID without PORT exits 2"
"$PING" 40000 > "$T/out" 2>&1
ok $(( $? != 2 )) "argo-ping with an invalid domid exits 2"
one_line "$T/out" "invalid address"
ok $? "argo-ping: one-line error for an invalid domid"

# ---- Argo missing ----
ARGO_FAKE_MISSING=1 "$PING" -c 1 1 > "$T/out" 2>&1
ok $(( $? != 3 )) "argo-ping without the device exits 3"
grep -q "Argo is not available" "$T/out"
ok $? "argo-ping says Argo is not available"
ARGO_FAKE_MISSING=1 "$CAT" 1 5000 < /dev/null > "$T/out" 2>&1
ok $(( $? != 3 )) "argo-cat without the device exits 3"
one_line "$T/out" "Argo is not available"
ok $? "argo-cat: one line saying Argo is not available"

# ---- argo-ping against its responder ----
dom1 "$PING" -l -q -c 3 -w 20
wait_bound d 1 7
ok $? "responder bound domain 1 port 7"
"$PING" -c 3 -i 0.05 1 > "$T/ping" 2>&1
ok $? "argo-ping -c 3 1 exits 0"
[ "$(grep -c '^56 bytes from 1:7: seq=[123] time=[0-9.]* ms$' "$T/ping")" -eq 3 ]
ok $? "three reply lines with seq and time"
grep -q '^3 packets transmitted, 3 received, 0% packet loss' "$T/ping"
ok $? "summary: 3 transmitted, 3 received, 0% loss"
grep -q '^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/[0-9.]*/[0-9.]* ms$' "$T/ping"
ok $? "summary: rtt min/avg/max/mdev"
wait "$last"
ok $? "responder -c 3 stopped after 3 requests with status 0"

dom1 "$PING" -l -q -P 0 9007
wait_bound d 1 9007
"$PING" -q -c 2 -i 0.05 -s 4000 1:9007 > "$T/ping" 2>&1
ok $? "argo-ping -q -s 4000 to port 9007 exits 0"
! grep -q 'bytes from' "$T/ping" && grep -q '2 received' "$T/ping"
ok $? "-q prints only the summary"
kill "$last"

"$PING" -c 2 -i 0.05 -W 0.2 1:9999 > "$T/ping" 2>&1
ok $(( $? != 1 )) "argo-ping with no responder exits 1"
grep -q '2 packets transmitted, 0 received, +2 errors, 100% packet loss' \
	"$T/ping"
ok $? "no responder: 100% loss and the errors counted"
grep -q 'no Argo listener on that port, or no such domain' "$T/ping"
ok $? "no responder: says why"
ARGO_FAKE_FAIL=SEND=ESRCH "$PING" -c 2 -i 0.05 -W 0.2 5 > "$T/ping" 2>&1
ok $(( $? != 1 )) "argo-ping to a domain that does not exist exits 1"
grep -q '^From 5:7 seq=2: no such domain$' "$T/ping"
ok $? "argo-ping says: no such domain"
ARGO_FAKE_FAIL=BIND=EHOSTUNREACH "$PING" -c 1 5 > "$T/ping" 2>&1
ok $(( $? != 2 )) "argo-ping to a domain that Xen says does not exist exits 2"
one_line "$T/ping" "^argo-ping: domain 5: no such domain"
ok $? "argo-ping says so in one line"
start=$(date +%s)
"$PING" -w 1 -i 0.2 3 > "$T/ping" 2>&1
rc=$?
end=$(date +%s)
[ $rc -eq 1 ] && [ $((end - start)) -le 3 ]
ok $? "argo-ping -w 1 stops after the deadline with status 1"

# ---- argo-cat stream ----
head -c 4194304 /dev/urandom > "$T/data.in"
dom1 sh -c "exec \"$CAT\" -l 5000 > \"$T/recv\""
wait_bound s 1 5000
"$CAT" -v 1 5000 < "$T/data.in" > /dev/null 2> "$T/err"
ok $? "argo-cat client sends 4 MiB and exits 0"
wait "$last"
ok $? "argo-cat -l exits 0 after the peer's EOF"
cmp -s "$T/data.in" "$T/recv"
ok $? "4 MiB arrived intact"
grep -q 'sent 4194304 bytes, received 0 bytes in [0-9.]* s ([0-9.]* KiB/s)' \
	"$T/err"
ok $? "-v reports bytes and throughput"

dom1 "$CAT" -l -e /bin/cat 5001
wait_bound s 1 5001
out=$(echo hello | "$CAT" 1 5001)
ok $? "argo-cat client to an -e /bin/cat listener exits 0"
[ "$out" = hello ]
ok $? "half-close: stdin EOF reaches the peer, its echo comes back"
wait "$last"
ok $? "listener -e exits with the program's status 0"

dom1 "$CAT" -l -e /bin/cat 5006
wait_bound s 1 5006
"$CAT" 1 5006 < "$T/data.in" > "$T/echo"
ok $? "4 MiB both ways at once through an -e /bin/cat echo: exit 0"
cmp -s "$T/data.in" "$T/echo"
ok $? "the echo is intact (no deadlock between the directions)"
wait "$last"

dom1 "$CAT" -l -c 'awk "/^SigIgn/ {print \$2}" /proc/$$/status' 5007
wait_bound s 1 5007
ign=$("$CAT" 1 5007 < /dev/null)
[ $(( 0x$ign & 0x1000 )) -eq 0 ]
ok $? "the -c program does not inherit argo-cat's ignored SIGPIPE ($ign)"
wait "$last"

dom1 "$CAT" -l -k -c 'tr a-z A-Z' 5002
wait_bound s 1 5002
a=$(echo one | "$CAT" 1 5002)
b=$(echo two | "$CAT" 1 5002)
[ "$a" = ONE ] && [ "$b" = TWO ]
ok $? "-l -k -c serves one connection after another"
kill "$last"

dom1 "$CAT" -l 5004 > /dev/null
wait_bound s 1 5004
"$CAT" -c 'exit 5' 1 5004 < /dev/null
ok $(( $? != 5 )) "argo-cat -c exits with the command's status"
wait "$last"

"$CAT" 1 5999 < /dev/null > "$T/out" 2>&1
ok $(( $? != 1 )) "connection refused: exit 1"
one_line "$T/out" "^argo-cat: cannot connect to 1:5999: connection refused"
ok $? "connection refused: one clear line"

ARGO_FAKE_FAIL=CONNECT=EHOSTUNREACH "$CAT" 5 80 < /dev/null > "$T/out" 2>&1
ok $(( $? != 1 )) "argo-cat to a domain that does not exist exits 1"
one_line "$T/out" "^argo-cat: cannot connect to 5:80: no such domain"
ok $? "argo-cat says: no such domain, in one line"

start=$(date +%s)
"$CAT" -l -w 0.5 5005 < /dev/null > "$T/out" 2>&1
rc=$?
end=$(date +%s)
[ $rc -eq 1 ] && [ $((end - start)) -le 2 ]
ok $? "argo-cat -l -w 0.5 gives up with status 1"
one_line "$T/out" "no connection on port 5005: Connection timed out"
ok $? "accept timeout: one clear line"

start=$(date +%s)
"$CAT" -l -k -w 0.5 5008 < /dev/null > "$T/out" 2>&1
rc=$?
end=$(date +%s)
[ $rc -eq 1 ] && [ $((end - start)) -le 2 ]
ok $? "argo-cat -l -k -w 0.5 also gives up with status 1"

# ---- argo-cat datagrams ----
dom1 sh -c "exec \"$CAT\" -u -l -w 1 6000 > \"$T/recv\""
wait_bound d 1 6000
printf 'datagram' | "$CAT" -u 1 6000
ok $? "argo-cat -u sends a datagram and exits 0 at stdin EOF"
wait "$last"
ok $? "argo-cat -u -l ends after -w 1 idle seconds with status 0"
[ "$(cat "$T/recv")" = datagram ]
ok $? "the datagram arrived"

dom1 sh -c "echo reply | exec \"$CAT\" -u -l -w 1 6001 > /dev/null"
wait_bound d 1 6001
out=$(echo ask | "$CAT" -u -w 0.5 1 6001)
[ "$out" = reply ]
ok $? "-u -l answers the sender; -u -w lingers for the reply"

dom1 "$CAT" -u -l -w 1 6002 > /dev/null
wait_bound d 1 6002
ARGO_FAKE_FAIL=SEND=ECONNREFUSED sh -c 'printf x | "$0" -u 1 6002' "$CAT" \
	> "$T/out" 2>&1
ok $(( $? != 1 )) "argo-cat -u: a refused datagram exits 1"
one_line "$T/out" "^argo-cat: data with 1:6002: connection refused"
ok $? "argo-cat -u: says which peer refused, in one line"
wait "$last"

# ---- no crash on any argument ----
crash=0
for args in "-c" "-w" "-s 99999999999999999999" "-i -1 1" "1:" ":" \
	"-l -l -l -w 0.3" "-P" "--" "-- --" "-e" "-" "0x" "0x7fef:0xffffffff" \
	"$(printf '\001\377')" "-w 1e308 1" "-c 1 -i 0.001 -W 0 65535" \
	"-u -k" "-l 0x" "-lkuv" "1 5000 6000" "-p any 1 2" "-P any -l -w 0.3 1"; do
	for t in "$PING" "$CAT"; do
		# shellcheck disable=SC2086
		timeout 5 "$t" $args < /dev/null > /dev/null 2>&1
		rc=$?
		[ $rc -ge 124 ] && { crash=1; echo "# $t $args: status $rc"; }
	done
done
ok $crash "no crash or hang on odd arguments"

# Random combinations of plausible and implausible words; -w bounds any
# listener or wait they start.
crash=0
words="-l -k -u -v -q -c -e -P -p -i -s -W -w 1 0 7 5000 any x -- '' \
	0.01 /bin/true 99999999999 -1 1:7 0x7fef : -h"
i=0
while [ $i -lt 150 ]; do
	i=$((i + 1))
	args=$(echo "$words" | tr ' \t' '\n\n' | grep -v '^$' |
		awk -v s=$i 'BEGIN { srand(s) } { w[NR] = $0 }
		END { k = 1 + int(rand() * 5); for (j = 0; j < k; j++)
			printf "%s ", w[1 + int(rand() * NR)] }')
	for t in "$PING" "$CAT"; do
		# shellcheck disable=SC2086
		timeout 10 "$t" $args -w 0.2 < /dev/null > /dev/null 2>&1
		rc=$?
		[ $rc -ge 124 ] && { crash=1; echo "# ${t##*/} $args -w 0.2: status $rc"; }
	done
done
ok $crash "no crash or hang on 300 random argument vectors"

echo "1..$n"
[ $failed -eq 0 ]
