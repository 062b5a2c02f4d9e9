"""Helpers for the tests that feed `mortar file` inputs built to exhaust it:
small gzip files that expand to one huge record, and the peak RSS of the
process reading them."""
import subprocess
import sys
import zlib

MIB = 1 << 20


def write_gzip(path, head, unit, mib, tail=b""):
    """`head`, then `unit` repeated to `mib` MiB, then `tail`, gzipped (about
    1 KB per MiB for a short unit)."""
    chunk = unit * (MIB // len(unit))
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(path, "wb") as f:
        f.write(z.compress(head))
        for _ in range(mib):
            f.write(z.compress(chunk))
        f.write(z.compress(tail))
        f.write(z.flush())


# Runs a command as the child of a fresh, small interpreter and reports its
# peak RSS: measured from here, a child's ru_maxrss would start at this (big)
# test process's size, which the kernel carries across the child's exec.
MEASURE = r"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\nPEAK_RSS_KIB={usage.ru_maxrss}\n")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_measured(command):
    """Runs `command`; returns (exit code, stderr, peak RSS in MiB) of that process alone."""
    proc = subprocess.run([sys.executable, "-c", MEASURE] + [str(c) for c in command],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    stderr, _, peak = proc.stderr.decode(errors="replace").rpartition("\nPEAK_RSS_KIB=")
    return proc.returncode, stderr, int(peak) / 1024
