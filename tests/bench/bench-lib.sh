# shellcheck shell=bash
# Measurements, sourced in every lab domain (dom0 and guests) by lab-bench.sh.
# Every figure is printed as one line
#   RAW,<kind>,<path>,<msgsize>,<conns>,<param>,<rep>,<key=value;...>
# which tests/bench/report turns into medians, spreads and ratios.

BENCH_DIR=${BENCH_DIR:-/tmp/argo-bench}
PATH=$BENCH_DIR:$PATH

raw() { echo "RAW,$1,$2,$3,$4,$5,$6,$7"; }
# "a=1 b=2" -> "a=1;b=2"
semi() { tr ' ' ';' <<<"$1"; }
note() { echo "# $*"; }

# The module's event counters (debugfs argo/stats): "name count" lines.
argo_stats() { cat /sys/kernel/debug/argo/stats 2>/dev/null; }

# ev_per_mb BEFORE AFTER BYTES: " ev_NAME=X" for each counter, X = events
# per MB moved (this domain's counters: the sending end's, or both ends'
# within one domain).
ev_per_mb() {
	awk -v mb="$(awk -v b="$3" 'BEGIN { print b / 1e6 }')" '
		NR == FNR { before[$1] = $2; next }
		($1 in before) && mb > 0 { printf " ev_%s=%.3f", $1, ($2 - before[$1]) / mb }
	' <(echo "$1") <(echo "$2")
}

# argo_stream PATH DOMID PORT SIZE CONNS SECS REP [PARAM]
argo_stream() {
	local out s0 s1 bytes
	s0=$(argo_stats)
	if out=$(timeout 120 argo-bench stream "$2" "$3" "$4" "$5" "$6" 2>&1); then
		s1=$(argo_stats)
		bytes=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<<"$out")
		# Over TCP (an IPv4 address) the module is not involved.
		case $2 in
		*.*) ;;
		*) [ -n "$s0" ] && [ -n "$bytes" ] && out="$out$(ev_per_mb "$s0" "$s1" "$bytes")" ;;
		esac
		raw argo "$1" "$4" "$5" "${8:-}" "$7" "$(semi "$out")"
	else
		note "argo stream $1 size $4 conns $5 failed: $out"
	fi
}

# iperf_stream KIND PATH HOST PORT SIZE CONNS SECS REP [PREFIX...]
# KIND tcp: plain iperf3; interpose: PREFIX is "argo-run --".
iperf_stream() {
	local kind=$1 path=$2 host=$3 port=$4 size=$5 conns=$6 secs=$7 rep=$8 out
	shift 8
	# Its exit status is not trusted either way: the JSON summary decides.
	out=$(timeout 120 "$@" iperf3 -4 -c "$host" -p "$port" -t "$secs" -l "$size" \
		-P "$conns" -J 2>&1)
	if out=$(python3 -c '
import json, sys
j = json.load(sys.stdin)
# A run that completed may still carry an "error" (through the interposer:
# getsockopt(TCP_INFO) fails every interval); only a missing summary fails.
if not j.get("end", {}).get("sum_received", {}).get("seconds"):
    sys.exit("iperf3: " + j.get("error", "no summary"))
r = j["end"]["sum_received"]
c = j["end"]["cpu_utilization_percent"]
secs = r["seconds"]
print("mbps=%.3f bytes=%d secs=%.3f cpu_client=%.3f cpu_server=%.3f" % (
    r["bytes"] / secs / 1e6, r["bytes"], secs,
    c["host_total"] / 100 * secs, c["remote_total"] / 100 * secs))
' <<<"$out" 2>&1); then
		raw "$kind" "$path" "$size" "$conns" "" "$rep" "$(semi "$out")"
	else
		note "$kind iperf3 $path size $size conns $conns failed: $(tail -c 300 <<<"$out")"
	fi
}

pipe_stream() {	# pipe_stream SIZE SECS REP
	local out
	if out=$(timeout 120 argo-bench pipe "$1" "$2" 2>&1); then
		raw pipe local "$1" 1 "" "$3" "$(semi "$out")"
	else
		note "pipe size $1 failed: $out"
	fi
}

# argo_cat PATH DOMID PORT MIB REP: argo-cat client fed MIB MiB from
# /dev/zero, to an "argo-cat -l -k" sink; time from start to its exit.
argo_cat() {
	local t0 t1 bytes=$(($4 * 1048576))
	t0=$(date +%s.%N)
	if head -c "$bytes" /dev/zero | timeout 120 argo-cat "$2" "$3" >/dev/null; then
		t1=$(date +%s.%N)
		raw argo-cat "$1" 1048576 1 "" "$5" \
			"$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "mbps=%.3f;bytes=%d;secs=%.3f", b / (z - a) / 1e6, b, z - a }')"
	else
		note "argo-cat $1 failed"
	fi
}

dgram_rate() {	# dgram_rate PATH DOMID PORT SIZE SECS REP
	local out
	if out=$(timeout 120 argo-bench dgram "$2" "$3" "$4" "$5" 2>&1); then
		raw dgram "$1" "$4" 1 "" "$6" "$(semi "$out")"
	else
		note "dgram $1 size $4 failed: $out"
	fi
}

# Percentiles of the "time=X ms" lines of ping or argo-ping, in microseconds.
ping_pct() {
	sed -n 's/.*time[=<]\([0-9.]*\) *ms.*/\1/p' | sort -g | awk '
		{ v[NR] = $1 * 1000 }
		END {
			if (NR == 0) exit 1
			p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1]
			printf "p50_us=%.1f;p99_us=%.1f;n=%d", p50, p99, NR
		}'
}

# latency PATH DOMID IP COUNT REP: argo-ping, ping, TCP and Argo stream
# request/response (64 bytes) from here to the domain.
latency() {
	local path=$1 dom=$2 ip=$3 count=$4 rep=$5 out p=(ping)
	if out=$(timeout 120 argo-ping -c "$count" -i 0.01 -s 64 "$dom" | ping_pct); then
		raw argo-ping "$path" 64 1 "" "$rep" "$out"
	else
		note "argo-ping $path failed"
	fi
	command -v ping >/dev/null || p=(busybox ping)
	if out=$(timeout 120 "${p[@]}" -c "$count" -i 0.01 -s 64 "$ip" | ping_pct); then
		raw icmp-ping "$path" 64 1 "" "$rep" "$out"
	else
		note "ping $path failed"
	fi
	if out=$(timeout 120 argo-bench rr tcp "$ip" 7301 "$count" 64 2>&1); then
		raw tcp-rr "$path" 64 1 "" "$rep" "$(semi "$out")"
	else
		note "tcp rr $path failed: $out"
	fi
	if out=$(timeout 120 argo-bench rr argo "$dom" 7300 "$count" 64 2>&1); then
		raw argo-rr "$path" 64 1 "" "$rep" "$(semi "$out")"
	else
		note "argo rr $path failed: $out"
	fi
}

# The servers every domain runs for the whole benchmark.
start_servers() {
	local d
	mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
	for d in "serve 7100" "dgserve 7200" "echo argo 7300" "echo tcp 7301"; do
		# shellcheck disable=SC2086
		setsid nohup argo-bench $d >/dev/null 2>&1 </dev/null &
	done
	setsid nohup argo-bench tserve 7600 >/dev/null 2>&1 </dev/null &
	setsid nohup argo-run -- argo-bench tserve 7601 >/dev/null 2>&1 </dev/null &
	setsid nohup iperf3 -4 -s -p 5201 >/dev/null 2>&1 </dev/null &
	setsid nohup argo-run -- iperf3 -4 -s -p 5202 >"$BENCH_DIR/iperf3-interposed.log" 2>&1 </dev/null &
	setsid nohup argo-ping -l -q >/dev/null 2>&1 </dev/null &
	setsid nohup argo-cat -l -k 7400 >/dev/null 2>/dev/null </dev/null &
	sleep 1
}

# sweep PATH DOMID IP REPS SECS "SIZES" "PAR_SIZES" "IP_SIZES" CAT
# Stream throughput from here to DOMID: Argo and TCP (iperf3), one connection
# for SIZES and 8 connections for PAR_SIZES; iperf3 through the interposer
# (one connection) for IP_SIZES; with CAT=1 argo-cat too.  Repetitions are
# interleaved so that a slow phase of the machine hits every kind alike.
sweep() {
	local path=$1 dom=$2 ip=$3 reps=$4 secs=$5 sizes=$6 par=$7 ipsizes=$8 cat=$9 rep s
	# The interposer names domain N 1.0.0.N; its own domain is 127.0.0.1.
	local iph=1.0.0.$dom
	[ "$path" = local ] && iph=127.0.0.1
	for rep in $(seq 1 "$reps"); do
		for s in $sizes; do
			argo_stream "$path" "$dom" 7100 "$s" 1 "$secs" "$rep"
			iperf_stream tcp "$path" "$ip" 5201 "$s" 1 "$secs" "$rep"
			argo_stream "$path" "$ip" 7600 "$s" 1 "$secs" "$rep" | sed 's/^RAW,argo,/RAW,tcp-bench,/'
		done
		for s in $ipsizes; do
			iperf_stream interpose "$path" "$iph" 5202 "$s" 1 "$secs" "$rep" argo-run --
			argo-run -- bash -c "$(declare -f raw semi note argo_stats ev_per_mb argo_stream); argo_stream $path $iph 7601 $s 1 $secs $rep" |
				sed 's/^RAW,argo,/RAW,interpose-bench,/'
		done
		for s in $par; do
			argo_stream "$path" "$dom" 7100 "$s" 8 "$secs" "$rep"
			iperf_stream tcp "$path" "$ip" 5201 "$s" 8 "$secs" "$rep"
			argo_stream "$path" "$ip" 7600 "$s" 8 "$secs" "$rep" | sed 's/^RAW,argo,/RAW,tcp-bench,/'
		done
		[ "$cat" = 1 ] && argo_cat "$path" "$dom" 7400 32 "$rep"
	done
	return 0
}
