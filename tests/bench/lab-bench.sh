#!/bin/bash
# lab-bench.sh - the dom0 side of tests/bench/run (SCRIPT of xen-lab run).
# tests/bench/run appends a base64 tar of argo-bench and bench-lib.sh after
# the __PAYLOAD__ line; this script unpacks it in dom0, copies it to the
# guests, starts the servers everywhere and measures.  Figures are printed
# as RAW lines (see bench-lib.sh); the host makes the report.
#   lab-bench.sh quick|full
set -u
MODE=${1:-quick}
BENCH_DIR=/tmp/argo-bench
mkdir -p "$BENCH_DIR"
sed '1,/^__PAYLOAD__$/d' "$0" | base64 -d | tar -xz -C "$BENCH_DIR" || {
	echo "Bail out! cannot unpack the benchmark programs"
	exit 1
}
# shellcheck source=bench-lib.sh
. "$BENCH_DIR/bench-lib.sh"

# Under TCG one measurement costs its SECS plus ~5 s of start-up (iperf3,
# python3, ssh): the full run's points are chosen to fit ~20 minutes.
if [ "$MODE" = full ]; then
	REPS=3 SECS=2
	SIZES="64 1024 16384 262144 1048576"	# dom0 -> guest
	PAR="16384 1048576"			# 8 connections
	IP_SIZES="16384 1048576"		# through the interposer
	GUEST_SIZES="1024 262144"		# guest -> dom0, guest -> guest
	LOCAL_SIZES="1024 262144 1048576"	# within dom0, and the pipe
	WINDOWS="65536 262144 1048576 4194304"
	CONNS="1 10 100 1000"
	PINGS=100
else
	REPS=1 SECS=1
	SIZES="1024 262144"
	PAR="65536"
	IP_SIZES="262144"
	GUEST_SIZES="262144"
	LOCAL_SIZES="262144"
	WINDOWS="65536 1048576"
	CONNS="1 100"
	PINGS=50
fi
GUESTS=${LAB_GUESTS:-pv pv2}
declare -A DOM=([dom0]=0) IP=([dom0]=169.254.0.1 [pv]=169.254.0.11 [pvh]=169.254.0.12 [pv2]=169.254.0.13)

on() {
	local d=$1
	shift
	if [ "$d" = dom0 ]; then
		timeout 1500 bash -c ". $BENCH_DIR/bench-lib.sh; $*"
	else
		timeout 1500 lab-guest "$d" -- bash -c ". $BENCH_DIR/bench-lib.sh; $*"
	fi
}
phase() { echo "# ---- $* (t=$(cut -d' ' -f1 /proc/uptime))"; }

phase setup
for g in $GUESTS; do
	DOM[$g]=$(lab-guest "$g" --domid) || { echo "Bail out! guest $g is not up"; exit 1; }
	tar -C "$BENCH_DIR" -cz . | lab-guest "$g" -- sh -c "mkdir -p $BENCH_DIR && tar -xz -C $BENCH_DIR" ||
		{ echo "Bail out! cannot copy the programs to $g"; exit 1; }
done
echo "# domains: dom0=0 $(for g in $GUESTS; do printf '%s=%s ' "$g" "${DOM[$g]}"; done)"
for d in dom0 $GUESTS; do on "$d" start_servers || echo "# servers in $d failed"; done
# shellcheck disable=SC2086
set -- $GUESTS
A=$1 B=${2:-}

phase "stream dom0 -> $A"
sweep "dom0-$A" "${DOM[$A]}" "${IP[$A]}" "$REPS" "$SECS" "$SIZES" "$PAR" "$IP_SIZES" 1
phase "stream $A -> dom0"
on "$A" sweep "$A-dom0" 0 "${IP[dom0]}" "$REPS" "$SECS" "'$GUEST_SIZES'" "''" "''" 0
if [ -n "$B" ]; then
	phase "stream $A -> $B"
	on "$A" sweep "$A-$B" "${DOM[$B]}" "${IP[$B]}" "$REPS" "$SECS" "'$GUEST_SIZES'" "''" "''" 0
fi
phase "stream within dom0, and a pipe"
sweep local 0 127.0.0.1 "$REPS" "$SECS" "$LOCAL_SIZES" "" "262144" 0
for rep in $(seq 1 "$REPS"); do
	for s in $LOCAL_SIZES; do pipe_stream "$s" "$SECS" "$rep"; done
done

phase "datagram rate"
for rep in $(seq 1 "$REPS"); do
	for s in 64 1024; do
		dgram_rate "dom0-$A" "${DOM[$A]}" 7200 "$s" "$SECS" "$rep"
		dgram_rate local 0 7200 "$s" "$SECS" "$rep"
	done
done

phase latency
for rep in $(seq 1 "$REPS"); do
	latency "dom0-$A" "${DOM[$A]}" "${IP[$A]}" "$PINGS" "$rep"
done
[ -n "$B" ] && on "$A" "for rep in \$(seq 1 $REPS); do latency $A-$B ${DOM[$B]} ${IP[$B]} $PINGS \$rep; done"

phase "kernel memory"
for rep in $(seq 1 "$REPS"); do
	for k in socket ring; do
		n=200
		[ $k = ring ] && n=50	# Xen allows 128 rings per domain
		if out=$(argo-bench idle $k $n 2>&1); then
			raw mem-$k dom0 0 "$n" "" "$rep" "$(semi "$out")"
		else
			note "idle $k failed: $out"
		fi
	done
	if out=$(argo-bench idle conn 200 "${DOM[$A]}" 7100 2>&1); then
		raw mem-conn "dom0-$A" 0 200 "" "$rep" "$(semi "$out")"
	else
		note "idle conn failed: $out"
	fi
done
grep . /sys/kernel/debug/argo/counters | sed 's/^/# debugfs counters: /'

phase "ring size and window"
W0=$(cat /sys/module/argo/parameters/stream_window)
port=7500
for w in $WINDOWS; do
	on "$A" "echo $w >/sys/module/argo/parameters/stream_window;
		setsid nohup argo-bench serve $port $((w < 4032 ? 4032 : w)) >/dev/null 2>&1 </dev/null &"
	echo "$w" >/sys/module/argo/parameters/stream_window
	for rep in $(seq 1 "$REPS"); do
		argo_stream "dom0-$A" "${DOM[$A]}" "$port" 65536 1 "$SECS" "$rep" "window=$w" |
			sed 's/^RAW,argo,/RAW,argo-window,/'
	done
	port=$((port + 1))
done
echo "$W0" >/sys/module/argo/parameters/stream_window
on "$A" "echo $W0 >/sys/module/argo/parameters/stream_window"

# Which of the two limits one connection: the receiver's ring or its window?
# (Above they change together.)  The receiver's stream_window is the one
# that counts: it advertises it.
for rw in "262144 1048576" "1048576 262144"; do
	read -r ring win <<<"$rw"
	on "$A" "echo $win >/sys/module/argo/parameters/stream_window;
		setsid nohup argo-bench serve $port $ring >/dev/null 2>&1 </dev/null &"
	for rep in $(seq 1 "$REPS"); do
		argo_stream "dom0-$A" "${DOM[$A]}" "$port" 65536 1 "$SECS" "$rep" "ring=$ring/window=$win" |
			sed 's/^RAW,argo,/RAW,argo-rw,/'
	done
	port=$((port + 1))
done
on "$A" "echo $W0 >/sys/module/argo/parameters/stream_window"

phase "connection count"
for n in $CONNS; do
	for rep in $(seq 1 "$REPS"); do
		argo_stream "dom0-$A" "${DOM[$A]}" 7100 16384 "$n" "$SECS" "$rep" |
			sed 's/^RAW,argo,/RAW,argo-conns,/'
	done
done

for d in dom0 "$A"; do
	on "$d" "tail -n 5 $BENCH_DIR/iperf3-interposed.log" | sed "s/^/# $d: interposed iperf3 server: /"
done
phase "all done"
exit 0
# shellcheck disable=SC2317
__PAYLOAD__
