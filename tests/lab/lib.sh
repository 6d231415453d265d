# lib.sh - helpers the lab scripts source (never run on its own):
#   . "${BASH_SOURCE%/*}/lib.sh"   (the lab installs both in /usr/lib/argo-tests)
#
# TAP output: ok, not_ok, check, skip; exit status: finish.
# Domains: on DOM CMD, domid DOM, need_guests, ARGO_DOMAINS.
# Programs' TAP relayed into ours: relay, onrelay.
# Leaks: counters DOM, expect_no_leak DOM [SECS], rmmod_reload DOM.
# Interposer: no_tcp_listener; OpenSSH under argo-run: sshd_start,
# sshd_stop, ssh_client_key, ssh_authorize, ssh_login (in $SSH_DIR).
# shellcheck shell=bash
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# tests/run-all runs every tests/lab/*.sh: this one is no test.
	echo "# SKIP: lib.sh is sourced by the lab scripts, not a test"
	exit 77
fi
set -u
# relay may run at the end of a pipeline: keep it in this shell (counters).
shopt -s lastpipe

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# skip WHAT WHY: a TAP skip; only for a part that cannot apply in this lab.
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
finish() { echo "1..$n"; exit $failed; }

# on DOM CMD...: run a shell command in dom0 or as root in a guest, at most
# ON_TIMEOUT seconds (a hung test must not hang the whole lab).
ON_TIMEOUT=${ON_TIMEOUT:-600}
on() {
	local d=$1; shift
	if [ "$d" = dom0 ]; then timeout "$ON_TIMEOUT" sh -c "$*"
	else timeout "$ON_TIMEOUT" lab-guest "$d" -- sh -c "$*"; fi
}
domid() { if [ "$1" = dom0 ]; then echo 0; else lab-guest "$1" --domid; fi; }

# need_guests NAME...: the guests this script cannot do without.  One the
# lab was not asked to start makes the whole script a skip (exit 77, which
# tests/run-all reports as SKIP); one that was started but does not answer
# is a failure.  Then load argo.ko in dom0 and in them; ARGO_DOMAINS lists
# dom0 and every guest the lab started.
need_guests() {
	local g
	for g in "$@"; do
		if [[ " ${LAB_GUESTS:-pv pvh} " != *" $g "* ]]; then
			echo "# SKIP: needs guest $g; this lab started only '${LAB_GUESTS:-}' (xen-lab --guests)"
			exit 77
		fi
	done
	ARGO_DOMAINS=dom0
	for g in ${LAB_GUESTS:-pv pvh}; do ARGO_DOMAINS="$ARGO_DOMAINS $g"; done
	for g in dom0 "$@"; do
		if ! on "$g" 'modprobe argo'; then
			not_ok "$g: reachable, modprobe argo"
			finish
		fi
	done
}

# relay PREFIX: a program's TAP lines renumbered into ours, the rest as comments.
relay() {
	local line re='^(not )?ok [0-9]+ - (.*)$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			if [ -z "${BASH_REMATCH[1]}" ]; then ok "$1: ${BASH_REMATCH[2]}"
			else not_ok "$1: ${BASH_REMATCH[2]}"; fi
		elif [[ $line != 1..* ]]; then
			echo "# $line"
		fi
	done
}
# onrelay LABEL DOM CMD: run CMD in DOM, relay its TAP; its status in last_rc.
onrelay() {
	local label=$1 tmp
	shift
	tmp=$(mktemp)
	on "$@" >"$tmp" 2>&1
	last_rc=$?
	relay "$label" <"$tmp"
	rm -f "$tmp"
}

# wait_for SECS FILE PATTERN: until FILE has a line matching PATTERN.
wait_for() {
	local t=0
	until grep -q "$3" "$2" 2>/dev/null || [ $t -ge "$1" ]; do sleep 1; t=$((t + 1)); done
	grep -q "$3" "$2" 2>/dev/null
}

DBGFS='mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug'
counters() { on "$1" "$DBGFS; cat /sys/kernel/debug/argo/counters" 2>&1 | tr '\n' ' '; }
# expect_no_leak DOM [SECS]: no ring or socket left; closed connections may
# owe a FIN or their peer's answer for a moment, so wait up to SECS (5).
expect_no_leak() {
	local d=$1 secs=${2:-5} c t=0
	c=$(counters "$d")
	while ! grep -q 'rings 0 sockets 0' <<<"$c" && [ $t -lt "$secs" ]; do
		sleep 1; t=$((t + 1))
		c=$(counters "$d")
	done
	check "$d: no ring or socket left ($c)" grep -q 'rings 0 sockets 0' <<<"$c"
}
# rmmod_reload DOM: the module unloads (nothing holds it) and loads again.
rmmod_reload() {
	check "$1: rmmod argo" on "$1" 'rmmod argo'
	on "$1" 'modprobe argo' || not_ok "$1: modprobe argo again"
}

# ---- one exchange between two domains, used by several scripts ----

# client_server LABEL SERVER SCMD CLIENT CCMD: SCMD runs in the background in
# SERVER (its output in the file $served_log), CCMD in CLIENT with its TAP
# relayed under LABEL; then wait for the server.  Statuses: the client's in
# last_rc, the server's in served_rc.
served_n=0
client_server() {
	local label=$1 server=$2 scmd=$3 client=$4 ccmd=$5 spid
	served_n=$((served_n + 1))
	served_log=/tmp/argo-lab-served.$$.$served_n
	on "$server" "$scmd" >"$served_log" 2>&1 &
	spid=$!
	onrelay "$label" "$client" "$ccmd"
	wait "$spid"
	served_rc=$?
}

# pair_domids CLIENT SERVER: their domain ids in the caller's cid and sid.
pair_domids() {
	cid=$(domid "$1") sid=$(domid "$2")
	[ -n "$cid" ] && [ -n "$sid" ] && return
	not_ok "$1 -> $2: domain ids unknown ('$cid' '$sid')"
	return 1
}

# dgram_exchange CLIENT SERVER: dgram_peer ping from CLIENT to an echo
# server in SERVER that accepts only CLIENT's domain: every size both ways,
# the echo's source is the server, the server saw only the client's domid.
DGRAM_ROUNDS=3 DGRAM_SIZES=11 dgram_port=0x6000
dgram_exchange() {
	local client=$1 server=$2 cid sid
	local count=$((1 + DGRAM_ROUNDS * DGRAM_SIZES))
	pair_domids "$client" "$server" || return
	dgram_port=$((dgram_port + 1))
	client_server "$client($cid) -> $server($sid)" \
		"$server" "dgram_peer serve $dgram_port $cid $count" \
		"$client" "dgram_peer ping $sid $dgram_port $DGRAM_ROUNDS"
	check "$client -> $server: client exited 0 (rc $last_rc; 255 = ssh failed)" test "$last_rc" = 0
	sed 's/^/# server: /' "$served_log" | head -5
	check "$client -> $server: server echoed $count messages and exited 0 (rc $served_rc)" test "$served_rc" = 0
	check "$client -> $server: server saw source domain $cid" \
		grep -q "bytes from $cid:0x" "$served_log"
	check "$client -> $server: every source was the client's domain" \
		test "$(grep -c 'bytes from' "$served_log")" = "$(grep -c "bytes from $cid:0x" "$served_log")"
}

# stream_transfer CLIENT SERVER [BYTES]: stream_test client in CLIENT sends
# BYTES (16 MiB) while receiving as many from stream_test serve in SERVER;
# both check the data and the orderly close.  The listener accepts only
# CLIENT's domain.
stream_port=0x7100
stream_transfer() {
	local client=$1 server=$2 bytes=${3:-$((16 * 1024 * 1024))} cid sid
	pair_domids "$client" "$server" || return
	stream_port=$((stream_port + 1))
	client_server "$client -> $server($sid)" \
		"$server" "stream_test serve $stream_port $cid 1" \
		"$client" "stream_test client $sid $stream_port $bytes $bytes"
	check "$client -> $server: client exit status 0" test "$last_rc" = 0
	sed 's/^/# server: /' "$served_log"
	check "$client -> $server: server exit status 0 ($served_rc)" test "$served_rc" = 0
	check "$client -> $server: server saw all data" \
		grep -q "connection done: got $bytes sent $bytes" "$served_log"
}

# wait_guest NAME SECS: until guest NAME (restored or recreated) answers.
wait_guest() {
	local t=0
	until timeout 15 lab-guest "$1" -- true >/dev/null 2>&1; do
		[ $t -ge "$2" ] && return 1
		sleep 2; t=$((t + 2))
	done
}
no_hung_task() { ! on "$1" dmesg | grep -q "blocked for more than"; }

# ---- unmodified programs through the interposer (tests/lab/interpose-*.sh) ----

# no_tcp_listener DOM PORT: no real TCP socket listens on PORT in DOM (a
# program run with argo-run listens on Argo instead).
no_tcp_listener() {
	local hex
	hex=$(printf '%04X' "$2")
	on "$1" "! grep -qi '^ *[0-9]*: [0-9A-F]*:$hex [0-9A-F:]* 0A' /proc/net/tcp /proc/net/tcp6"
}

# OpenSSH under argo-run.  Keys, authorized_keys, the host key, logs and
# pid files live in $SSH_DIR in each domain (a script sets its own).
SSH_DIR=/tmp/argo-ipssh
# sshd_start DOM PORT: Debian's sshd -D under argo-run, detached; its pid
# in $SSH_DIR/sshd-PORT.pid, its log in $SSH_DIR/sshd-PORT.log.
sshd_start() {
	local d=$SSH_DIR
	on "$1" "mkdir -p /run/sshd $d; chmod 700 $d; ssh-keygen -A >/dev/null 2>&1
		test -f $d/hostkey || ssh-keygen -q -t ed25519 -N '' -f $d/hostkey
		setsid -f sh -c 'echo \$\$ > $d/sshd-$2.pid; exec argo-run -- /usr/sbin/sshd -D -e \
			-p $2 -h $d/hostkey -o ListenAddress=0.0.0.0 \
			-o AuthorizedKeysFile=$d/authorized_keys -o StrictModes=no -o UsePAM=no \
			-o PidFile=none -o PermitRootLogin=prohibit-password' \
			> $d/sshd-$2.log 2>&1 < /dev/null"
}
# sshd_stop DOM PORT: SIGTERM, then wait up to 5 s for it to be gone.
sshd_stop() {
	on "$1" "p=\$(cat $SSH_DIR/sshd-$2.pid 2>/dev/null) || exit 0; kill \$p 2>/dev/null
		t=0; while kill -0 \$p 2>/dev/null && [ \$t -lt 10 ]; do sleep 0.5; t=\$((t+1)); done"
}
# ssh_client_key DOM: make a client key in DOM, print its public half.
ssh_client_key() {
	on "$1" "mkdir -p $SSH_DIR; chmod 700 $SSH_DIR; test -f $SSH_DIR/key ||
		ssh-keygen -q -t ed25519 -N '' -f $SSH_DIR/key; cat $SSH_DIR/key.pub"
}
# ssh_authorize DOM PUBKEY: let PUBKEY log in as root to DOM's sshd.
ssh_authorize() {
	on "$1" "mkdir -p $SSH_DIR; echo '$2' >> $SSH_DIR/authorized_keys; chmod 600 $SSH_DIR/authorized_keys"
}
# ssh_login CLIENT SERVER ADDR PORT SEEN: argo-run ssh from CLIENT to
# root@ADDR -p PORT (SERVER's sshd), a real public-key login that runs a
# command; checks it ran as root in SERVER and that sshd saw the client
# as SEEN and itself as ADDR:PORT ($SSH_CONNECTION).  Up to 3 tries (a
# listener that has just started, TCG's slowness).
ssh_login() {
	local c=$1 s=$2 addr=$3 port=$4 seen=$5 out want
	want=$(on "$s" hostname)
	out=$(on "$c" "r=0; until timeout -k 5 100 argo-run -- ssh -p $port -i $SSH_DIR/key -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o ConnectTimeout=30 root@$addr \
		'echo login-ok \$(hostname) \$(id -un) \$SSH_CONNECTION' 2>$SSH_DIR/ssh.err; do
		r=\$((r+1)); [ \$r -ge 3 ] && break; sleep 0.5; done; cat $SSH_DIR/ssh.err >&2" 2>&1)
	echo "$out" | sed "s/^/# $c: /"
	check "ssh $c -> $s (root@$addr -p $port): logged in, command ran as root in $s" \
		grep -q "^login-ok $want root " <<<"$out"
	check "ssh $c -> $s: sshd saw the client as $seen and itself as $addr:$port" \
		grep -q "^login-ok $want root $seen [0-9]* $addr $port\$" <<<"$out"
}
