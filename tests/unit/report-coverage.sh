#!/bin/sh
# report-coverage.sh LLVM_PROFDATA LLVM_COV DIR MODDIR "UNIT_TESTS" "FUZZERS"
# Prints line coverage of the shared module code (ring.c, proto.c): by the
# unit tests alone, then by unit tests + corpus replay.
PROF=$1 COV=$2 D=$3 M=$4 TESTS=$5 FUZZERS=$6
[ -n "$PROF" ] && [ -n "$COV" ] || { echo "coverage: llvm-profdata/llvm-cov not found (apt-get install llvm)"; exit 1; }
report() {	# name profdata objects...
	name=$1 data=$2
	shift 2
	first=$1
	shift
	objs=
	for o in "$@"; do objs="$objs -object $o"; done
	"$COV" report -instr-profile="$data" "$first" $objs \
		"$M/ring.c" "$M/proto.c" 2>/dev/null >"$D/$name.txt" || return 1
	# columns: file, regions, missed, cover, functions, missed, executed,
	# lines, missed lines, line cover, ...
	awk -v name="$name" '
		$1 ~ /(^|\/)(ring|proto)\.c$/ {
			f = $1; sub(".*/", "", f)
			printf "coverage (%s): %-8s lines %d of %d = %s\n", name, f, $8 - $9, $8, $10
			tl += $8; tm += $9
		}
		END {
			if (tl)
				printf "coverage (%s): shared code (ring.c + proto.c) lines %d of %d = %.2f%%\n", name, tl - tm, tl, 100 * (tl - tm) / tl
		}' "$D/$name.txt"
}
set -- 
unit_objs=
for t in $TESTS; do unit_objs="$unit_objs $D/$t"; done
all_objs=$unit_objs
for f in $FUZZERS; do all_objs="$all_objs $D/replay_$f"; done
[ -n "$unit_objs" ] || { echo "coverage: no unit tests of ring.c/proto.c built"; exit 1; }
"$PROF" merge -sparse -o "$D/unit.profdata" $(for t in $TESTS; do echo "$D/$t.profraw"; done) || exit 1
"$PROF" merge -sparse -o "$D/all.profdata" "$D"/*.profraw || exit 1
report unit-tests "$D/unit.profdata" $unit_objs
report unit+corpus "$D/all.profdata" $all_objs
# The lines no test reaches, for whoever wants to close the gap.
objs=
for o in $all_objs; do
	[ -z "$objs" ] && objs=$o || objs="$objs -object $o"
done
"$COV" show -instr-profile="$D/all.profdata" $objs 2>/dev/null |
	awk '/^\/.*:$/ { f = $0; sub(".*/", "", f); sub(":$", "", f) }
	     f ~ /^(ring|proto)\.c$/ && /^ *[0-9]+\| *0\|/ {
		split($0, a, "|"); gsub(/ /, "", a[1]); t = a[3]; gsub(/^[ \t]+/, "", t)
		printf "coverage: not run: %s:%s: %s\n", f, a[1], t }'
