"""Wall time and peak RSS of a whole process tree, for benchmarks whose tool
starts helpers of its own (PySpark's JVM, `mortar run`'s Python child).

`os.wait4`'s ru_maxrss, which bench/formats uses, is the peak of the single
largest process, so it under-reports a Python driver plus a JVM. Here a
sampler thread sums VmRSS over every process that descends from the child
(by parent links) or shares its session, every `interval` seconds, and keeps
the largest sum. Shared pages are counted once per process, as `ps` does.
"""
import os
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass
class TreeRun:
    wall_s: float
    peak_rss_mb: float  # largest sampled sum over the tree
    returncode: int
    stdout: str
    stderr: str


def _stat(pid):
    """(ppid, session) of a process, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: split after the last ')'.
    fields = text[text.rfind(")") + 2:].split()
    return int(fields[1]), int(fields[3])


def _rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _members(root):
    """`root`, its descendants and its session's members."""
    parents, sessions = {}, {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = _stat(int(entry))
            if st:
                parents[int(entry)], sessions[int(entry)] = st
    members = {p for p, sid in sessions.items() if sid == root}
    members.add(root)
    grew = True
    while grew:  # close over parent links (catches children that called setsid)
        before = len(members)
        members |= {p for p, pp in parents.items() if pp in members}
        grew = len(members) != before
    return members


def tree_rss_kb(root):
    """Summed RSS (kB) of `root`, its descendants and its session's members."""
    return sum(_rss_kb(p) for p in _members(root))


def tree_cpu_seconds(root):
    """CPU seconds (user + system) used so far by `root`'s live tree,
    including children those processes have already reaped."""
    ticks = 0
    for pid in _members(root):
        try:
            with open(f"/proc/{pid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2:].split()
        ticks += sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_tree(cmd, env=None, cwd=None, interval=0.05, timeout=None):
    """Runs `cmd` in a new session and measures it (see TreeRun)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, text=True)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_kb(proc.pid))
            done.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out_chunks, err_chunks = [], []
    readers = [threading.Thread(target=lambda s=s, b=b: b.append(s.read()), daemon=True)
               for s, b in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline and time.perf_counter() > deadline:
            os.killpg(proc.pid, 9)
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    done.set()
    sampler.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # Anything the tool left running in its session would skew the next run.
    try:
        os.killpg(proc.pid, 9)
    except ProcessLookupError:
        pass
    # A tree that lived less than one interval was never sampled: fall back to
    # the child's own peak (wait4).
    peak_kb = max(peak[0], usage.ru_maxrss)
    return TreeRun(wall, peak_kb / 1024, proc.returncode,
                   "".join(out_chunks), "".join(err_chunks))
