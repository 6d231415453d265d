#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# test-abi.sh - libargo.so.1's ABI: SONAME, only argo_* exported, and
# nothing that would interpose libc (linking never interposes).
set -u
if [ -z "${LIBARGO_SO:-}" ] || [ ! -e "$LIBARGO_SO" ]; then
	echo "1..0 # SKIP LIBARGO_SO not set or not built"
	exit 77
fi
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"
	else echo "not ok $n - $2"; failed=$((failed + 1)); fi
}
if ! command -v objdump > /dev/null || ! command -v nm > /dev/null; then
	echo "1..0 # SKIP binutils missing"
	exit 77
fi
objdump -p "$LIBARGO_SO" | grep -q 'SONAME *libargo\.so\.1$'
ok $? "SONAME is libargo.so.1"
syms=$(nm -D --defined-only "$LIBARGO_SO" | awk '$2 ~ /^[TDBRVW]$/ {print $3}')
bad=$(printf '%s\n' "$syms" | grep -v '^argo_[a-z0-9_]*@@LIBARGO_1$' | grep -v '^LIBARGO_1$')
[ -z "$bad" ]
ok $? "only argo_* symbols exported, versioned LIBARGO_1${bad:+ (extra: $bad)}"
[ "$(printf '%s\n' "$syms" | grep -c '^argo_')" -ge 25 ]
ok $? "the whole API is exported"
printf '%s\n' "$syms" | grep -Eq '^(socket|connect|bind|accept|accept4|close|read|write|send|recv|open|ioctl)(@|$)'
ok $(( $? == 0 )) "no libc function is defined (linking interposes nothing)"
echo "1..$n"
[ $failed -eq 0 ]
