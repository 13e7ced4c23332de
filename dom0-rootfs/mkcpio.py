#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Write a newc ("070701") cpio archive from a gen_init_cpio-style list.

Usage: mkcpio.py LIST > OUT.cpio

Why not plain `cpio -o`: an initramfs needs /dev/console (and /dev/null)
as device nodes, and only root can mknod them in a staging tree. Writing
the archive ourselves lets an unprivileged build emit device nodes and
forces every entry to uid/gid 0, with fixed timestamps so that the same
inputs give the same bytes.

List syntax, one entry a line ('#' starts a comment; NAME is the path
inside the archive, a leading '/' is dropped):
  dir   NAME MODE UID GID
  file  NAME SRC MODE UID GID
  slink NAME TARGET MODE UID GID
  nod   NAME MODE UID GID c|b MAJOR MINOR
MODE is octal permission bits. Parents must be listed before children.
"""
import os
import stat
import sys

PROG = "mkcpio"
MAGIC = b"070701"
# SOURCE_DATE_EPOCH is the usual knob for reproducible builds.
MTIME = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))


def die(msg):
    sys.stderr.write("%s: error: %s\n" % (PROG, msg))
    sys.exit(1)


class Writer:
    """Appends newc records to a binary stream, tracking the offset for
    the 4-byte alignment the format requires after names and data."""

    def __init__(self, out):
        self.out = out
        self.pos = 0
        self.ino = 0
        self.names = set()

    def _pad(self):
        n = (4 - self.pos % 4) % 4
        self._put(b"\0" * n)

    def _put(self, b):
        self.out.write(b)
        self.pos += len(b)

    def record(self, name, mode, uid, gid, data=b"", nlink=1,
               rmaj=0, rmin=0, trailer=False):
        if not trailer:
            if name in self.names:
                die("duplicate entry '%s'" % name)
            self.names.add(name)
            self.ino += 1
        ino = 0 if trailer else self.ino
        bname = name.encode() + b"\0"
        fields = (ino, mode, uid, gid, nlink, MTIME, len(data),
                  0, 0, rmaj, rmin, len(bname), 0)
        self._put(MAGIC + b"".join(b"%08X" % f for f in fields))
        self._put(bname)
        self._pad()
        self._put(data)
        self._pad()


def parse_mode(s, lineno):
    try:
        m = int(s, 8)
    except ValueError:
        die("line %d: bad octal mode '%s'" % (lineno, s))
    if m & ~0o7777:
        die("line %d: mode '%s' has more than permission bits" % (lineno, s))
    return m


def parse_int(s, lineno, what):
    try:
        return int(s, 10)
    except ValueError:
        die("line %d: bad %s '%s'" % (lineno, what, s))


def emit(w, lineno, f):
    kind = f[0]
    want = {"dir": 5, "file": 6, "slink": 6, "nod": 8}
    if kind not in want:
        die("line %d: unknown entry type '%s'" % (lineno, kind))
    if len(f) != want[kind]:
        die("line %d: '%s' takes %d fields, got %d"
            % (lineno, kind, want[kind] - 1, len(f) - 1))
    name = f[1].lstrip("/")
    if not name:
        die("line %d: empty name" % lineno)
    if kind == "dir":
        mode = parse_mode(f[2], lineno)
        uid, gid = (parse_int(x, lineno, "id") for x in f[3:5])
        w.record(name, stat.S_IFDIR | mode, uid, gid, nlink=2)
    elif kind == "file":
        mode = parse_mode(f[3], lineno)
        uid, gid = (parse_int(x, lineno, "id") for x in f[4:6])
        try:
            with open(f[2], "rb") as src:
                data = src.read()
        except OSError as e:
            die("line %d: cannot read '%s': %s" % (lineno, f[2], e.strerror))
        w.record(name, stat.S_IFREG | mode, uid, gid, data=data)
    elif kind == "slink":
        mode = parse_mode(f[3], lineno)
        uid, gid = (parse_int(x, lineno, "id") for x in f[4:6])
        w.record(name, stat.S_IFLNK | mode, uid, gid, data=f[2].encode())
    else:
        mode = parse_mode(f[2], lineno)
        uid, gid = (parse_int(x, lineno, "id") for x in f[3:5])
        if f[5] not in ("c", "b"):
            die("line %d: device type must be c or b, got '%s'"
                % (lineno, f[5]))
        ftype = stat.S_IFCHR if f[5] == "c" else stat.S_IFBLK
        maj, mnr = (parse_int(x, lineno, "device number") for x in f[6:8])
        w.record(name, ftype | mode, uid, gid, rmaj=maj, rmin=mnr)


def main():
    if len(sys.argv) != 2:
        die("usage: mkcpio.py LIST > OUT.cpio")
    try:
        with open(sys.argv[1]) as lst:
            lines = lst.read().splitlines()
    except OSError as e:
        die("cannot read list '%s': %s" % (sys.argv[1], e.strerror))
    w = Writer(sys.stdout.buffer)
    for lineno, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if line:
            emit(w, lineno, line.split())
    w.record("TRAILER!!!", 0, 0, 0, trailer=True)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
