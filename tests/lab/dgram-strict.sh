#!/bin/bash
# xen-lab: --argo strict --guests pv
# dgram-strict.sh - Argo without mac-permissive: the same datagram tests
# (dgram-local.sh), where binding a wildcard ring must fail with EPERM and
# the kernel log must say what to do.  dom0 and one PV guest are enough for
# that: the PVH guest's datagram code is the same, and tested in the
# default boot.
s=${BASH_SOURCE%/*}/dgram-local.sh
[ -f "$s" ] || s=/usr/lib/argo-tests/dgram-local.sh
DGRAM_LOCAL_GUESTS=pv exec bash "$s" "$@"
