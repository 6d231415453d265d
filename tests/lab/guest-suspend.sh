#!/bin/bash
# guest-suspend.sh - Argo sockets across a guest's suspend/resume in place
# (xl save -c) and across a live migration to this host (xl migrate).
#
# xl save -c (a checkpoint) suspends pv, saves it and resumes it in the
# same domain: the guest kernel sees a cancelled suspend and Xen still has
# its rings (same domid, same frames).  Everything open before goes on:
#   A  dom0: stream_test chat ----> pv: stream_test echo 0x7500 (partner 0)
#   C  pv: stream_test chat ------> dom0: stream_test echo 0x7501 (partner pv)
#   U  dom0: argo-cat -u ---------> pv: dgram_peer serve 0x6500 (echo)
# and Xen counts pv's rings as before: ring_quota (how many more rings pv
# may register) is the same before and after, with the same sockets open.
# New connections B (dom0 -> pv) and D (pv -> dom0) reach the listeners.
#
# xl migrate -s "" pv "xl migrate-receive" moves pv to a new domain on this
# host without ssh: a new domid, every ring registered again; a listener
# and a datagram socket opened before it serve new peers after it.
lib=${BASH_SOURCE%/*}/lib.sh; [ -f "$lib" ] || lib=/usr/lib/argo-tests/lib.sh
# shellcheck source=tests/lab/lib.sh
. "$lib"
need_guests pv
g=pv
t=/tmp/guest-suspend
rm -rf "$t"
mkdir -p "$t"

gid=$(domid $g)
[ -n "$gid" ] || { not_ok "$g: domain id"; finish; }

# stamp WHAT: seconds since the start, to see where the time goes.
stamp() { echo "# [${SECONDS}s] $*"; }
# resume_lines: how many "argo: resume:" lines pv's kernel log has.
resume_lines() { on $g 'dmesg | grep -c "argo: resume:"'; }
# last_resume: pv's latest "argo: resume:" line.
last_resume() { on $g 'dmesg | grep "argo: resume:" | tail -n 1'; }
# ring_quota NAME: run ring_quota in pv (TAP relayed), its count in $quota.
ring_quota() {
	on $g "ring_quota $gid" >"$t/quota-$1" 2>&1
	relay "$g: ring quota $1" <"$t/quota-$1"
	quota=$(sed -n 's/^quota //p' "$t/quota-$1")
}

echo "# counters before: dom0: $(counters dom0)"
echo "# counters before: $g: $(counters $g)"

# ---- the checkpoint -------------------------------------------------------

timeout 300 lab-guest $g -- stream_test echo 0x7500 0 2 >"$t/pv-echo" 2>&1 &
pv_echo=$!
timeout 300 stream_test echo 0x7501 "$gid" 2 >"$t/dom0-echo" 2>&1 &
dom0_echo=$!
timeout 300 lab-guest $g -- env ARGO_SERVE_IDLE=240 dgram_peer serve 0x6500 0 2 >"$t/pv-dgram" 2>&1 &
pv_dgram=$!
wait_for 60 "$t/pv-dgram" "serve: bound" || echo "# datagram server not bound yet"
wait_for 60 "$t/dom0-echo" "echo: listening" || echo "# dom0 echo server not listening yet"

mkfifo "$t/a.in" "$t/c.in" "$t/u.in"
timeout 300 stream_test chat "$gid" 0x7500 <"$t/a.in" >"$t/a.out" 2>&1 &
a_pid=$!
timeout 300 lab-guest $g -- stream_test chat 0 0x7501 <"$t/c.in" >"$t/c.out" 2>&1 &
c_pid=$!
timeout 300 argo-cat -u "$gid" 0x6500 <"$t/u.in" >"$t/u.out" 2>"$t/u.err" &
u_pid=$!
# The writing ends stay open here only: every xl command below runs with
# them closed (a daemon xl leaves behind would keep a client alive).
exec 3>"$t/a.in" 4>"$t/c.in" 5>"$t/u.in"

echo before >&3
echo before >&4
echo before >&5
check "A dom0 -> $g: echo before" wait_for 60 "$t/a.out" "^ok 2 - echo of 'before'$"
check "C $g -> dom0: echo before" wait_for 60 "$t/c.out" "^ok 2 - echo of 'before'$"
check "U dom0 <-> $g datagrams: echo before" wait_for 60 "$t/u.out" "^before$"

stamp "echoes before"
ring_quota before
q0=$quota
stamp "quota before"
r0=$(resume_lines)

check "xl save -c $g (checkpoint: suspend, save, resume in place)" \
	timeout 300 xl save -c $g "$t/pv.chk" 3>&- 4>&- 5>&-
stamp "checkpoint done"
# dom0's /tmp is RAM: no guest image stays there.
rm -f "$t/pv.chk"
check "$g answers after the checkpoint" wait_guest $g 120
id2=$(domid $g)
check "domid unchanged by the checkpoint ($gid -> $id2)" test "$gid" = "$id2"
r1=$(resume_lines)
line=$(last_resume)
echo "# $g: $line"
check "$g's kernel log: one resume more ($r0 -> $r1)" test "$r1" = $((r0 + 1))
check "$g's kernel log: every ring still registered in Xen, none failed" \
	grep -Eq "rings registered again, 0 failed, [1-9][0-9]* still registered \(domid $gid\)" <<<"$line"
on $g 'dmesg | grep -E "suspend|argo: resume" | tail -n 4' | sed 's/^/# /'

# Before the echoes below: the datagram server exits after its second one.
# Re-registering a ring Xen still has counts it again in Xen 4.17: the
# quota would shrink by the number of rings pv had.
ring_quota after
check "$g: Xen counts its rings as before ($q0 more rings before, $quota after)" \
	test -n "$q0" -a "$q0" = "$quota"
stamp "quota after"

echo checkpoint >&3
echo checkpoint >&4
echo checkpoint >&5
check "A dom0 -> $g: the same connection echoes after the checkpoint" \
	wait_for 60 "$t/a.out" "^ok 3 - echo of 'checkpoint'$"
check "C $g -> dom0: the same connection echoes after the checkpoint" \
	wait_for 60 "$t/c.out" "^ok 3 - echo of 'checkpoint'$"
check "U dom0 <-> $g: the same datagram sockets echo after the checkpoint" \
	wait_for 60 "$t/u.out" "^checkpoint$"

stamp "echoes after the checkpoint"

echo "new connection after the checkpoint" >"$t/b.in"
timeout 120 stream_test chat "$gid" 0x7500 <"$t/b.in" >"$t/b.out" 2>&1
rc=$?
relay "B dom0 -> $g (new)" <"$t/b.out"
check "B: dom0's client exit status 0 ($rc)" test $rc = 0
on $g "echo 'new connection after the checkpoint' | stream_test chat 0 0x7501" >"$t/d.out" 2>&1
rc=$?
relay "D $g -> dom0 (new)" <"$t/d.out"
check "D: $g's client exit status 0 ($rc)" test $rc = 0
stamp "new connections"

exec 3>&- 4>&- 5>&-
# client_done NAME PID: the client ended by itself at the end of its input.
client_done() {
	local rc
	timeout 30 tail --pid="$2" -f /dev/null
	kill "$2" 2>/dev/null
	wait "$2"
	rc=$?
	check "$1 ended at the end of its input, exit status 0 ($rc)" test $rc = 0
}
client_done "A: dom0's client" $a_pid
client_done "C: $g's client" $c_pid
client_done "U: dom0's argo-cat -u" $u_pid
sed 's/^/# A: /' "$t/a.out"
sed 's/^/# C: /' "$t/c.out"
sed 's/^/# U: /' "$t/u.err"
wait $pv_echo; rc=$?
sed 's/^/# pv echo: /' "$t/pv-echo" | tail -n 2
check "echo server in $g served A and B (rc $rc)" test $rc = 0
wait $dom0_echo; rc=$?
sed 's/^/# dom0 echo: /' "$t/dom0-echo" | tail -n 2
check "echo server in dom0 served C and D (rc $rc)" test $rc = 0
wait $pv_dgram; rc=$?
check "datagram server in $g echoed both messages (rc $rc)" test $rc = 0
expect_no_leak dom0 15
expect_no_leak $g 15
stamp "checkpoint part done"

# ---- live migration to this host --------------------------------------

free=$(xl info | awk '$1 == "free_memory" { print $3 }')
mem=$(xl list $g | awk 'NR == 2 { print $3 }')
if [ -z "$free" ] || [ -z "$mem" ] || [ "$free" -lt $((mem + 64)) ]; then
	skip "xl migrate $g to localhost" "Xen has ${free:-?} MiB free, $g needs ${mem:-?} MiB more"
	rm -rf "$t"
	finish
fi
timeout 300 lab-guest $g -- stream_test echo 0x7502 0 1 >"$t/m-echo" 2>&1 &
m_echo=$!
# One ping round: 1 + 11 messages.
timeout 300 lab-guest $g -- env ARGO_SERVE_IDLE=240 dgram_peer serve 0x6501 0 12 >"$t/m-dgram" 2>&1 &
m_dgram=$!
wait_for 60 "$t/m-echo" "echo: listening" || echo "# echo server not listening yet"
wait_for 60 "$t/m-dgram" "serve: bound" || echo "# datagram server not bound yet"
r0=$(resume_lines)
stamp "migration servers up"
check "xl migrate $g to this host (-s '': no ssh)" \
	timeout 300 xl migrate -s "" $g "xl migrate-receive"
stamp "migration done"
check "$g answers after the migration" wait_guest $g 120
id3=$(domid $g)
check "$g has a new domid ($gid -> $id3)" test -n "$id3" -a "$id3" != "$gid"
# No pv--incoming or pv--migratedaway (names only: states read "-b----");
# the old domain may take a moment to die.
left_names() { xl list | awk 'NR > 1 { print $1 }' | grep -- --; }
gone() { for _ in $(seq 30); do left_names >/dev/null || return 0; sleep 1; done; left_names | sed 's/^/# left: /'; return 1; }
check "no domain left behind by the migration" gone
r1=$(resume_lines)
line=$(last_resume)
echo "# $g: $line"
check "$g's kernel log: one resume more ($r0 -> $r1)" test "$r1" = $((r0 + 1))
check "$g's kernel log: both rings registered again in the new domain" \
	grep -q "2 rings registered again, 0 failed, 0 still registered (domid $id3)" <<<"$line"
echo "after the migration" >"$t/m.in"
timeout 120 stream_test chat "$id3" 0x7502 <"$t/m.in" >"$t/m.out" 2>&1
rc=$?
relay "dom0 -> $g: new connection to the listener opened before the migration" <"$t/m.out"
check "dom0's client exit status 0 ($rc)" test $rc = 0
timeout 120 dgram_peer ping "$id3" 0x6501 1 >"$t/p.out" 2>&1
rc=$?
relay "dom0 -> $g: datagrams to the socket bound before the migration" <"$t/p.out"
check "dom0's dgram_peer ping exit status 0 ($rc)" test $rc = 0
wait $m_echo; rc=$?
check "echo server in $g served after the migration (rc $rc)" test $rc = 0
wait $m_dgram; rc=$?
check "datagram server in $g echoed 12 messages across the migration (rc $rc)" test $rc = 0
expect_no_leak dom0 15
expect_no_leak $g 15
stamp "end"
rm -rf "$t"
finish
