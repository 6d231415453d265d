#!/usr/bin/python3
# interpose-sockets.py - Python's socket module (an unmodified Debian
# program) exercising what the Argo interposer promises, against the real
# driver.  Run under argo-run by interpose-sockets.sh.
#
#   interpose-sockets.py server PORT SECONDS   TCP echo on PORT, UDP echo on
#                                              PORT+1 (TCP and UDP port N are
#                                              the same Argo port N)
#   interpose-sockets.py client ADDR PORT      checks, TAP lines on stdout
import errno
import os
import resource
import select
import socket
import sys
import threading

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    print("%sok %d - %s" % ("" if cond else "not ", n, what), flush=True)
    if not cond:
        failed += 1


def echo_conn(c):
    with c:
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)


def server(port, seconds):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(64)
    us = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    us.bind(("0.0.0.0", port + 1))

    def udp():
        while True:
            d, a = us.recvfrom(65536)
            us.sendto(d, a)
    threading.Thread(target=udp, daemon=True).start()
    threading.Timer(seconds, lambda: os._exit(0)).start()
    print("listening", ls.getsockname(), flush=True)
    while True:
        c, a = ls.accept()
        print("accepted", a, c.getsockname(), flush=True)
        threading.Thread(target=echo_conn, args=(c,), daemon=True).start()


def echo_ok(s, data):
    s.sendall(data)
    got = b""
    while len(got) < len(data):
        d = s.recv(65536)
        if not d:
            break
        got += d
    return got == data


def client(addr, port):
    # fds 1500 and > 1024 need more than the usual soft limit of 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    dst = (addr, port)
    s = socket.create_connection(dst, timeout=30)
    # Blocking: the copies made below share its O_NONBLOCK flag.
    s.settimeout(None)
    ok(s.getpeername() == dst, "getpeername %s == %s" % (s.getpeername(), dst))
    ok(s.family == socket.AF_INET and s.getsockname()[0] != "",
       "getsockname %s" % (s.getsockname(),))
    ok(echo_ok(s, os.urandom(65536)), "64 KiB echoed (sendall/recv)")

    fd = os.dup2(s.fileno(), 1500)
    d = socket.socket(fileno=fd)
    ok(d.family == socket.AF_INET and d.type == socket.SOCK_STREAM and
       d.proto == socket.IPPROTO_TCP,
       "fd 1500 (dup2) is seen as AF_INET/SOCK_STREAM/IPPROTO_TCP")
    ok(echo_ok(d, b"via-1500"), "echo through fd 1500")
    e = s.dup()     # Python: fcntl(F_DUPFD_CLOEXEC)
    s.close()
    ok(echo_ok(e, b"after-close") and echo_ok(d, b"still"),
       "copies work after the original is closed")
    e.close()
    d.close()

    filler = [os.open("/dev/null", os.O_RDONLY) for _ in range(1100)]
    b = socket.create_connection(dst, timeout=30)
    ok(b.fileno() > 1024 and echo_ok(b, b"big-fd"),
       "a new socket as fd %d (> 1024) connects and echoes" % b.fileno())
    b.close()
    for f in filler:
        os.close(f)

    nb = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    nb.setblocking(False)
    r = nb.connect_ex(dst)
    ok(r in (0, errno.EINPROGRESS), "non-blocking connect: %s" %
       errno.errorcode.get(r, r))
    ep = select.epoll()
    ep.register(nb.fileno(), select.EPOLLOUT)
    ev = ep.poll(30)
    err = nb.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    ok(ev and ev[0][1] & select.EPOLLOUT and err == 0,
       "epoll says writable, SO_ERROR %d" % err)
    nb.setblocking(True)
    ok(echo_ok(nb, b"after-epoll"), "echo after the non-blocking connect")
    nb.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    nb.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    try:
        nb.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\0" * 8)
        ok(False, "SO_LINGER refused")
    except OSError as x:
        ok(x.errno == errno.ENOPROTOOPT, "SO_LINGER: %s" % x)
    nb.shutdown(socket.SHUT_WR)
    ok(nb.recv(10) == b"", "shutdown(SHUT_WR): the echo server closes, EOF")
    nb.close()

    results = []

    def worker(i):
        good = 0
        for j in range(20):
            with socket.create_connection(dst, timeout=30) as c:
                good += echo_ok(c, b"t%d-%d" % (i, j))
        results.append(good)
    ts = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ok(sum(results) == 160, "8 threads x 20 connections: %d echoed" %
       sum(results))

    pid = os.fork()
    if pid == 0:
        with socket.create_connection(dst, timeout=30) as c:
            os._exit(0 if echo_ok(c, b"from-child") else 1)
    _, st = os.waitpid(pid, 0)
    ok(os.WIFEXITED(st) and os.WEXITSTATUS(st) == 0,
       "a forked child connects and echoes")

    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(10)
    udst = (addr, port + 1)
    u.sendto(b"datagram", udst)
    try:
        data, src = u.recvfrom(100)
    except OSError as x:
        data, src = str(x).encode(), None
    ok(data == b"datagram" and src == udst,
       "UDP: reply %r from %s" % (data, src))
    # sendmsg/recvmsg (Python calls libc's own): two iovecs, one datagram.
    try:
        sent = u.sendmsg([b"gather-", b"ed"], [], 0, udst)
        data, _, _, src = u.recvmsg(100)
    except OSError as x:
        sent, data, src = -1, str(x).encode(), None
    ok(sent == 9 and data == b"gather-ed" and src == udst,
       "UDP sendmsg of 2 iovecs, recvmsg: sent %d, reply %r from %s" %
       (sent, data, src))
    u.close()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), float(sys.argv[3]))
    else:
        sys.exit(client(sys.argv[2], int(sys.argv[3])))
