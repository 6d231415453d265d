#!/usr/bin/env python3
"""mutants.py - checks that the unit tests notice plausible bugs.

Each mutant is one small change to a copy of src/module/ring.c or proto.c
(the tree is never touched); the unit tests are built against the copy and
must fail ("killed").  A mutant the tests survive is a hole in the tests.
A mutant whose text no longer exists in the source is reported "stale".
Usage: mutants.py BUILD_DIR CC CFLAGS...   (make mutants)
"""
import os
import subprocess
import sys

MUTANTS = [
    ("ring.c", "has_data: a bad tx_ptr counts as data (livelock)",
     "if (!argo_ring_ptr_ok(tx, len))\n\t\treturn false;",
     "if (!argo_ring_ptr_ok(tx, len))\n\t\treturn true;"),
    ("ring.c", "peek: header length checked against the ring, not the produced bytes",
     "if (hdr.len < XEN_ARGO_MSG_HDR_SIZE || hdr.len > avail)\n\t\treturn -EBADMSG;\n\tspace = XEN_ARGO_ROUNDUP(hdr.len);\n\tif (space > avail)\n\t\treturn -EBADMSG;",
     "if (hdr.len < XEN_ARGO_MSG_HDR_SIZE || hdr.len > len)\n\t\treturn -EBADMSG;\n\tspace = XEN_ARGO_ROUNDUP(hdr.len);"),
    ("ring.c", "peek: next_rx not rounded to a slot",
     "space = XEN_ARGO_ROUNDUP(hdr.len);", "space = hdr.len;"),
    ("ring.c", "peek: next_rx does not wrap",
     "if (msg->next_rx >= len)\n\t\tmsg->next_rx -= len;", ""),
    ("ring.c", "segments: no split at the ring's end",
     "first = min(n, len - start);", "first = n;"),
    ("ring.c", "ptr_ok: misaligned pointers accepted",
     "return ptr < len && IS_ALIGNED(ptr, XEN_ARGO_MSG_SLOT_SIZE);",
     "return ptr < len;"),
    ("ring.c", "max_payload: forgets the free slot",
     "return len - XEN_ARGO_MSG_HDR_SIZE - XEN_ARGO_MSG_SLOT_SIZE;",
     "return len - XEN_ARGO_MSG_HDR_SIZE;"),
    ("proto.c", "receiver does not enforce its window",
     "\t\treturn reset(c);\n\t}\n\tc->rx_queued += p->data_len;",
     "\t}\n\tc->rx_queued += p->data_len;"),
    ("proto.c", "receiver ignores a CREDIT being sent (the lab's race)",
     "\t\treturn c->rx_advertised;", "\t\treturn c->rx_credited;"),
    ("proto.c", "sender ignores the peer's credit",
     "return out >= c->peer_window ? 0 : c->peer_window - out;",
     "return c->peer_window;"),
    ("proto.c", "CLOSED answers RST with RST",
     "if (p->flags == ARGO_PROTO_RST || p->flags == ARGO_PROTO_CREDIT)\n\t\treturn ARGO_ACT_DROPPED;",
     "if (p->flags == ARGO_PROTO_CREDIT)\n\t\treturn ARGO_ACT_DROPPED;"),
    ("proto.c", "unknown connection: RST answered",
     "if (p->flags == ARGO_PROTO_RST)\n\t\treturn ARGO_ACT_DROPPED;\n\tif (p->flags == ARGO_PROTO_SYN && listening",
     "if (p->flags == ARGO_PROTO_SYN && listening"),
    ("proto.c", "CREDIT going backwards accepted",
     "p->consumed - c->peer_consumed > c->tx_sent - c->peer_consumed",
     "p->consumed > c->tx_sent"),
    ("proto.c", "FIN accepted from a legacy peer",
     "\tif (!c->ext)\n\t\treturn reset(c);\n\tc->peer_fin = 1;",
     "\tc->peer_fin = 1;"),
    ("proto.c", "legacy RST is an error, not EOF",
     "\tc->peer_fin = 1;\n\treturn argo_proto_abort(c, 0);",
     "\treturn argo_proto_abort(c, -ECONNRESET);"),
    ("proto.c", "credit due at a full window instead of half",
     ">= c->rx_window / 2;", ">= c->rx_window;"),
    ("proto.c", "unknown flag bits masked off instead of refused",
     "if (pkt->flags & ~ARGO_PROTO_KNOWN_FLAGS)\n\t\treturn -EPROTO;\n\n\tswitch (pkt->flags) {",
     "switch (pkt->flags & ARGO_PROTO_KNOWN_FLAGS) {"),
    ("proto.c", "tiny windows accepted",
     "if (window < ARGO_PROTO_WINDOW_MIN)\n\t\treturn -EBADMSG;", ""),
]

TESTS = {"ring.c": ("test_ring", ["xenmodel.c"]),
         "proto.c": ("test_proto", ["xenmodel.c", "sim.c"])}


def main():
    build, cc, cflags = sys.argv[1], sys.argv[2], sys.argv[3:]
    here = os.path.dirname(os.path.abspath(__file__))
    mod = os.path.normpath(os.path.join(here, "..", "..", "src", "module"))
    work = os.path.join(build, "mutants")
    os.makedirs(work, exist_ok=True)
    killed = survived = stale = 0
    for i, (name, what, old, new) in enumerate(MUTANTS):
        src = open(os.path.join(mod, name)).read()
        if src.count(old) != 1:
            print("stale    %-8s %s (source changed)" % (name, what))
            stale += 1
            continue
        path = os.path.join(work, "m%02d_%s" % (i, name))
        with open(path, "w") as f:
            f.write(src.replace(old, new))
        test, extra = TESTS[name]
        exe = os.path.join(work, "m%02d_%s" % (i, test))
        cmd = [cc] + cflags + ["-o", exe, test + ".c", "harness.c", "kshim.c"] + extra + [path, "-pthread"]
        b = subprocess.run(cmd, cwd=here, capture_output=True, text=True)
        if b.returncode:
            print("killed   %-8s %s (does not compile)" % (name, what))
            killed += 1
            continue
        try:
            r = subprocess.run([exe], cwd=here, capture_output=True, text=True, timeout=120)
            dead = r.returncode != 0
            how = "%d failing cases" % r.stdout.count("not ok") if dead else ""
        except subprocess.TimeoutExpired:
            dead, how = True, "timeout"
        if dead:
            killed += 1
            print("killed   %-8s %s (%s)" % (name, what, how))
        else:
            survived += 1
            print("SURVIVED %-8s %s" % (name, what))
    print("mutants: %d killed, %d survived, %d stale" % (killed, survived, stale))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
