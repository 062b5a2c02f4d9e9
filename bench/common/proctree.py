"""Wall time, peak RSS and CPU time of a whole process tree, for benchmarks
whose tool starts helpers of its own (PySpark's JVM, `mortar run`'s Python
child).

`os.wait4`'s ru_maxrss, which bench/formats uses, is the peak of the single
largest process, so it under-reports a Python driver plus a JVM. Here a
sampler thread reads /proc every `interval` seconds for every process that
descends from the child (by parent links) or shares its session: the largest
sum of their RSS is the peak (shared pages counted once per process, as `ps`
does), and each process's last-seen user+system time adds up to the tree's
CPU time (processes living less than one interval are missed; wait4's
figure for the reaped ones is the floor). CPU seconds are the figure that
survives a busy machine: wall time then depends on what else runs.
"""
import os
import subprocess
import threading
import time
from dataclasses import dataclass

_TICK = os.sysconf("SC_CLK_TCK")


@dataclass
class TreeRun:
    wall_s: float
    peak_rss_mb: float  # largest sampled sum over the tree
    cpu_s: float  # user + system seconds of the whole tree
    returncode: int
    stdout: str
    stderr: str


def _stat_fields(pid):
    """/proc/<pid>/stat fields after the command name, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    # The command name may hold spaces and parentheses: split after the last ')'.
    return text[text.rfind(")") + 2:].split()


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
    """{pid: stat fields} of `root`, its descendants and its session's members."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields:
                stats[int(entry)] = fields
    members = {p for p, f in stats.items() if int(f[3]) == root}  # field 3: session
    if root in stats:
        members.add(root)
    grew = True
    while grew:  # close over parent links (catches children that called setsid)
        before = len(members)
        members |= {p for p, f in stats.items() if int(f[1]) in members}
        grew = len(members) != before
    return {p: stats[p] for p in members}


def tree_rss_kb(root):
    """Summed RSS (kB) of `root`, its descendants and its session's members."""
    return sum(_rss_kb(p) for p in _members(root))


def tree_cpu_seconds(root):
    """CPU seconds (user + system) used so far by `root`'s live tree,
    including children those processes have already reaped."""
    ticks = sum(sum(int(x) for x in f[11:15]) for f in _members(root).values())
    return ticks / _TICK


def run_tree(cmd, env=None, cwd=None, interval=0.05, timeout=None):
    """Runs `cmd` in a new session and measures it (see TreeRun)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, text=True)
    peak = [0]
    own_ticks = {}  # (pid, start time) -> last-seen utime + stime
    done = threading.Event()

    def sample():
        while not done.is_set():
            members = _members(proc.pid)
            peak[0] = max(peak[0], sum(_rss_kb(p) for p in members))
            for pid, f in members.items():
                own_ticks[(pid, f[19])] = int(f[11]) + int(f[12])
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
    # A tree that lived less than one interval was never sampled: wait4's
    # figures (the child and what it reaped) are the floor.
    peak_kb = max(peak[0], usage.ru_maxrss)
    cpu = max(sum(own_ticks.values()) / _TICK, usage.ru_utime + usage.ru_stime)
    return TreeRun(wall, peak_kb / 1024, cpu, proc.returncode,
                   "".join(out_chunks), "".join(err_chunks))
