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


if __name__ == "__main__":
    ring_seeds()
    try:
        import proto_seeds  # noqa: F401  (written with fuzz_proto)
        proto_seeds.main(write)
    except ImportError:
        pass
