#!/usr/bin/env python3
"""gen-seeds.py - (re)writes the seed corpora in corpus/<fuzzer>/.

The seeds are small, valid-looking inputs from which the fuzzers mutate:
well-formed rings and message scripts for fuzz_ring, protocol conversations
for fuzz_proto.  Run it after changing an input format; the files are
committed so that "make check" replays them.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(fuzzer, name, data):
    d = os.path.join(HERE, "corpus", fuzzer)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


def ring_seeds():
    sizes = [32, 48, 64, 80, 128, 256, 1024, 4032]
    # garbage mode: byte0 even, rx, tx, size index, ring bytes
    def msg(plen, src_dom=1, port=9, typ=0x3574526d):
        return struct.pack("<IIHHI", plen + 16, port, src_dom, 0, typ)

    for si, size in enumerate(sizes[:6]):
        ring = bytearray(size)
        off = 0
        msgs = []
        for plen in (0, 5, 16, 17):
            need = 16 + ((plen + 15) & ~15)
            if off + need >= size:
                break
            ring[off:off + 16] = msg(plen)
            ring[off + 16:off + 16 + plen] = bytes(range(plen))
            off += need
            msgs.append(plen)
        write("fuzz_ring", "valid-%d" % size,
              b"\x00" + struct.pack("<II", 0, off) + bytes([si]) + ring)
        # wrapped: a header in the last slot, payload at 0
        ring = bytearray(size)
        if size >= 64:
            ring[size - 16:] = msg(20)
            write("fuzz_ring", "wrapped-%d" % size,
                  b"\x00" + struct.pack("<II", size - 16, 32) + bytes([si]) + ring)
    write("fuzz_ring", "badptr", b"\x00" + struct.pack("<II", 3, 0xfffffff0) + b"\x03" + bytes(64))
    # model mode: byte0 odd, size index, then (op, arg) pairs
    write("fuzz_ring", "model-sendrecv", b"\x01\x02" + bytes([0, 10, 3, 0, 1, 40, 2, 33, 4, 0, 5, 0]))
    write("fuzz_ring", "model-full", b"\x01\x04" + bytes([0, 200] * 8 + [3, 0] * 8 + [1, 255, 4, 0]))
    write("fuzz_ring", "model-corrupt", b"\x01\x03" + bytes([0, 5, 6, 3, 3, 0, 0, 9, 7, 1, 4, 0]))


def proto_seeds():
    # op codes of fuzz_proto.c; arg bit 0 = endpoint, bits 1-3 = socket,
    # bits 5-7 = size exponent for write/read
    CONNECT, STEP, WRITE, READ, SHUT, CLOSE, ABORT, FORGE, LISTEN, PROBE, PKT = range(11)

    def ops(*pairs):
        return bytes(b for p in pairs for b in p)

    hs = ops((CONNECT, 0), (STEP, 1), (STEP, 0))
    data = ops((WRITE, 0x60), (WRITE, 0x61), (STEP, 1), (STEP, 0), (READ, 0xe1), (READ, 0xe0))
    close = ops((CLOSE, 0), (STEP, 1), (CLOSE, 1), (STEP, 0), (STEP, 1))
    half = ops((SHUT, 0), (STEP, 1), (WRITE, 0x61), (STEP, 0), (READ, 0xe0), (SHUT, 1), (STEP, 0))
    for cfg, name in ((0x00, "ext"), (0x02, "legacy-server"), (0x01, "legacy-client")):
        write("fuzz_proto", "close-" + name, bytes([cfg]) + hs + data + close)
        write("fuzz_proto", "halfclose-" + name, bytes([cfg]) + hs + data + half)
    # credit pressure with the smallest windows
    credit = hs + ops(*([(WRITE, 0xe0), (STEP, 1)] * 6 + [(READ, 0xa1), (STEP, 0)] * 4)) + ops(*([(WRITE, 0xe0), (STEP, 1), (READ, 0xe1), (STEP, 0)] * 4))
    write("fuzz_proto", "credit", bytes([0x00]) + credit)
    # simultaneous close, RST during connect, data before ACK, dup SYN
    write("fuzz_proto", "simclose", bytes([0]) + hs + data + ops((CLOSE, 0), (CLOSE, 1), (STEP, 0), (STEP, 1), (STEP, 0), (STEP, 1)))
    rst = struct.pack("<II", 4, 0x100)
    write("fuzz_proto", "rst-in-connect", bytes([0]) + ops((CONNECT, 0), (FORGE, (8 << 1) | 0)) + rst + ops((STEP, 0), (STEP, 1), (STEP, 0)))
    write("fuzz_proto", "data-before-ack", bytes([0]) + ops((CONNECT, 0), (PKT, 0x00)) + b"abcd" + ops((STEP, 0), (STEP, 1)))
    syn = struct.pack("<IIII", 1, 0x100, 0x41524731, 4096)
    write("fuzz_proto", "dup-syn", bytes([0]) + hs + ops((FORGE, (16 << 1) | 1)) + syn + ops((STEP, 1), (STEP, 0)))
    storm = b"".join(ops((FORGE, (8 << 1) | (i & 1))) + struct.pack("<II", 4, 0x100 + i) for i in range(16))
    write("fuzz_proto", "rst-storm", bytes([0]) + hs + storm + ops(*([(STEP, 0), (STEP, 1)] * 8)))
    write("fuzz_proto", "refused", bytes([0]) + ops((LISTEN, 0x03), (CONNECT, 0), (STEP, 1), (STEP, 0)))
    write("fuzz_proto", "probe-abort", bytes([0]) + hs + ops((PROBE, 0), (PROBE, 1), (STEP, 1), (STEP, 0), (ABORT, 0), (WRITE, 0x61), (STEP, 0)))


if __name__ == "__main__":
    ring_seeds()
    proto_seeds()
