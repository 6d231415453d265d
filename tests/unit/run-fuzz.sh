#!/bin/sh
# run-fuzz.sh BUILDDIR SECONDS RUNS JOBS FUZZER... - run libFuzzer targets.
# Seeds: corpus/<fuzzer>/ (read only); new inputs: BUILDDIR/corpus-<fuzzer>/;
# crashes: BUILDDIR/artifacts/<fuzzer>/ (copy them to regress/<fuzzer>/ and
# write a unit test).  Prints executions per second of each fuzzer and
# exits non-zero if any fuzzer found a crash.
B=$1 SECS=$2 RUNS=$3 JOBS=$4
shift 4
status=0
summary=
for f in "$@"; do
	mkdir -p "$B/corpus-$f" "$B/artifacts/$f"
	log="$B/fuzz-$f.log"
	extra=
	[ "$JOBS" -gt 1 ] && extra="-jobs=$JOBS -workers=$JOBS"
	echo "# $f: ${SECS}s, seeds corpus/$f, log $log"
	"$B/$f" -max_total_time="$SECS" -runs="$RUNS" -timeout=10 \
		-rss_limit_mb=4096 -max_len=8192 -print_final_stats=1 \
		-artifact_prefix="$B/artifacts/$f/" $extra \
		"$B/corpus-$f" "corpus/$f" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	line="$f: ${execs:-?} execs, ${eps:-?} execs/s, $cov, corpus $(ls "$B/corpus-$f" | wc -l) files"
	if [ $rc -ne 0 ]; then
		status=1
		line="$line: FAILED (exit $rc), see $log and $B/artifacts/$f/"
		grep -m 5 -E 'ERROR|SUMMARY|fuzz_|deadly' "$log" | sed 's/^/#   /'
	fi
	echo "# $line"
	summary="$summary$line
"
done
printf '%s' "$summary" | sed 's/^/fuzz: /'
exit $status
