#!/bin/sh
# test-programs.sh - unmodified Debian programs through the interposer,
# against the fake device (TAP).  Each pair runs in two "domains" of the
# fake (ARGO_FAKE_DOMID 3 = server, 5 = client), the client naming the
# server 1.0.0.3 (OpenXT's form), exactly as in the Xen lab.  A program
# that is not installed is skipped; sshd also needs root.
#
#   python3 -m http.server -b 0.0.0.0  <--  curl http://1.0.0.3:PORT/
#   socat TCP-LISTEN,fork EXEC:cat     <--  socat - TCP:1.0.0.3:PORT
#   socat UDP-RECVFROM EXEC:cat        <--  socat - UDP:1.0.0.3:PORT
#   iperf3 -4 -s -1                    <--  iperf3 -4 -c 1.0.0.3
#   sshd -D -p PORT (re-execs itself)  <--  ssh -p PORT root@1.0.0.3 CMD
set -u
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

if [ ! -r "${PRELOAD:-}" ] || [ ! -r "${FAKEDEV:-}" ]; then
	echo "1..0 # SKIP PRELOAD or FAKEDEV missing"
	exit 0
fi
tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
unset ARGO_MAP ARGO_FALLBACK ARGO_INTERPOSE_DEBUG ARGO_FAKE_MISSING || :
export ARGO_FAKE_NS="progs$$" INET_IS_ARGO=1 LD_PRELOAD="$PRELOAD $FAKEDEV"
port=$((20000 + $$ % 20000))
server() { ARGO_FAKE_DOMID=3 "$@" & pids="$pids $!"; }
client() { ARGO_FAKE_DOMID=5 timeout 30 "$@"; }
have() { command -v "$1" >/dev/null 2>&1; }
# Servers get a moment to listen (the fake has no connect retry).
settle() { sleep "${1:-1}"; }
# Anything on real TCP at this port would mean the interposer missed it.
no_tcp_listener() {
	hex=$(printf '%04X' "$1")
	! grep -q "^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F:]* 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# ---- python3 http.server and curl ----
PY=/usr/bin/python3
if [ -x "$PY" ] && have curl; then
	port=$((port + 1))
	mkdir -p "$tmp/www"
	echo "hello over argo" >"$tmp/www/index.txt"
	(cd "$tmp/www" && ARGO_FAKE_DOMID=3 exec "$PY" -m http.server -b 0.0.0.0 "$port") \
		>"$tmp/http.log" 2>&1 &
	pids="$pids $!"
	settle 2
	no_tcp_listener "$port"
	ok $? "python3 http.server: no real TCP listener on $port"
	out=$(client curl -sS "http://1.0.0.3:$port/index.txt" 2>"$tmp/curl.err")
	ok $? "curl http://1.0.0.3:$port/index.txt: exit 0"
	[ "$out" = "hello over argo" ]
	ok $? "curl: the file arrived ('$out')"
	grep -q '^1\.0\.0\.5 - - .*"GET /index.txt HTTP/1.1" 200' "$tmp/http.log"
	ok $? "http.server logged the client as 1.0.0.5 (domain 5)"
	sed 's/^/# http.server: /' "$tmp/http.log"
	sed 's/^/# curl: /' "$tmp/curl.err"
else
	skip "python3 http.server + curl" "python3 or curl not installed"
fi

# ---- socat, stream and datagram ----
if have socat; then
	port=$((port + 1))
	server socat "TCP-LISTEN:$port,reuseaddr,fork" EXEC:/bin/cat
	settle 1
	out=$(echo "socat over argo" | client socat - "TCP:1.0.0.3:$port")
	ok $? "socat - TCP:1.0.0.3:$port: exit 0"
	[ "$out" = "socat over argo" ]
	ok $? "socat TCP: echoed by the listener's cat ('$out')"
	head -c 1048576 /dev/urandom >"$tmp/blob"
	out=$(client socat - "TCP:1.0.0.3:$port" <"$tmp/blob" | cksum)
	[ "$out" = "$(cksum <"$tmp/blob")" ]
	ok $? "socat TCP: 1 MiB through cat and back intact"
	port=$((port + 1))
	server socat "UDP-RECVFROM:$port,fork" EXEC:/bin/cat
	settle 1
	out=$(echo "udp via socat" | client socat -T 5 - "UDP:1.0.0.3:$port")
	[ "$out" = "udp via socat" ]
	ok $? "socat UDP: datagram answered to its source address ('$out')"
else
	skip "socat" "socat not installed"
fi

# ---- iperf3 ----
if have iperf3; then
	port=$((port + 1))
	server iperf3 -4 -s -1 -p "$port" >"$tmp/iperf-s.log" 2>&1
	settle 1
	client iperf3 -4 -c 1.0.0.3 -p "$port" -t 1 >"$tmp/iperf-c.log" 2>&1
	ok $? "iperf3 -4 -c 1.0.0.3 -p $port -t 1: exit 0"
	grep -q 'receiver' "$tmp/iperf-c.log"
	ok $? "iperf3: a receiver summary"
	grep -E 'sender|receiver' "$tmp/iperf-c.log" | sed 's/^/# iperf3: /'
	# -J, as tests/bench runs it: the options iperf3 reads on its
	# sockets (TCP_MAXSEG, TCP_INFO each interval) must not put an
	# "error" in the report.
	port=$((port + 1))
	server iperf3 -4 -s -1 -p "$port" >"$tmp/iperf-s.log" 2>&1
	settle 1
	client iperf3 -4 -c 1.0.0.3 -p "$port" -t 1 -J >"$tmp/iperf-c.json" 2>"$tmp/iperf-c.err"
	ok $? "iperf3 -J -c 1.0.0.3 -p $port -t 1: exit 0"
	if [ -x "$PY" ]; then
		out=$("$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j.get("error", "none"), j["start"].get("tcp_mss_default"),
      j["end"]["sum_received"]["bytes"])' "$tmp/iperf-c.json" 2>&1)
		echo "# iperf3 -J: error, tcp_mss_default, bytes received: $out"
		set -- $out
		[ "${1:-}" = none ]
		ok $? "iperf3 -J: no error in the report ('${1:-}')"
		[ "${2:-}" = 65495 ]
		ok $? "iperf3 -J: tcp_mss_default 65495 (TCP_MAXSEG answered)"
		[ "${3:-0}" -gt 0 ] 2>/dev/null
		ok $? "iperf3 -J: the server received data (${3:-})"
	else
		skip "iperf3 -J report" "python3 not installed"
	fi
	sed 's/^/# iperf3 -J stderr: /' "$tmp/iperf-c.err"
else
	skip "iperf3" "iperf3 not installed"
fi

# ---- OpenSSH ----
if [ -x /usr/sbin/sshd ] && have ssh && have ssh-keygen && [ "$(id -u)" = 0 ]; then
	port=$((port + 1))
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/hostkey"
	ssh-keygen -q -t ed25519 -N '' -f "$tmp/key"
	cp "$tmp/key.pub" "$tmp/authorized_keys"
	mkdir -p /run/sshd
	server /usr/sbin/sshd -D -e -p "$port" -h "$tmp/hostkey" \
		-o ListenAddress=0.0.0.0 -o AuthorizedKeysFile="$tmp/authorized_keys" \
		-o StrictModes=no -o UsePAM=no -o PidFile=none \
		-o PermitRootLogin=prohibit-password 2>"$tmp/sshd.log"
	settle 1
	out=$(client ssh -p "$port" -i "$tmp/key" -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		root@1.0.0.3 'echo "login-ok $(id -un) $SSH_CONNECTION"' 2>"$tmp/ssh.err")
	ok $? "ssh -p $port root@1.0.0.3: exit 0"
	case $out in
	"login-ok root 1.0.0.5 "*" 1.0.0.3 $port") ok 0 "sshd (re-executed) saw the client as 1.0.0.5 ('$out')" ;;
	*) ok 1 "sshd (re-executed) saw the client as 1.0.0.5 ('$out')" ;;
	esac
	settle 1
	grep -q "Accepted publickey for root from 1.0.0.5 port" "$tmp/sshd.log"
	ok $? "sshd logged the login from 1.0.0.5"
	! grep -q 'Protocol not available\|error' "$tmp/sshd.log"
	ok $? "sshd logged no socket option errors"
	sed 's/^/# sshd: /' "$tmp/sshd.log"
else
	skip "sshd + ssh" "openssh-server/client not installed or not root"
fi

echo "1..$n"
[ "$failed" = 0 ]
