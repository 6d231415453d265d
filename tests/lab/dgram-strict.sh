#!/bin/bash
# xen-lab: --argo strict
# dgram-strict.sh - Argo without mac-permissive: the same datagram tests
# (dgram-local.sh), where binding a wildcard ring must fail with EPERM and
# the kernel log must say what to do.
s=${BASH_SOURCE%/*}/dgram-local.sh
[ -f "$s" ] || s=/usr/lib/argo-tests/dgram-local.sh
exec bash "$s" "$@"
