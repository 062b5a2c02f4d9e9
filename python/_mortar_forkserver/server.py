"""The fork server's loop: preload, then fork one child per run request.

Protocol on the control socket (SOCK_SEQPACKET, one JSON object per message):
  launcher -> server
    {"run": ID, "argv": [...], "env": ["K=V", ...], "cwd": DIR,
     "limits": {"memory_bytes": N, "cpu_seconds": N, "open_files": N}}
        with the run's stdout and stderr write ends attached (SCM_RIGHTS)
    {"signal": PID, "sig": N}    signal the process group of an unreleased child
    {"release": PID}             reap it (until then an ended child stays a
                                 zombie, so its pid and group id stay its own)
  server -> launcher
    {"ready": PID, "preloaded": [...], "failed": {module: error},
     "top_level": [...], "threads": N, "extra_fds": [...]}
        top_level: top-level modules imported beyond a bare interpreter's;
        threads must be 1 and extra_fds empty for forking to be safe
    {"started": ID, "pid": PID}  at once after the fork
    {"refused": ID, "error": TEXT}  the run was not started (fork failed ...)
    {"exited": PID, "exit_code": N, "signal": N}  a child ended

The server never runs a script itself: everything a run does happens in its
child, so a crashing or misbehaving run cannot touch the server or other runs.
It exits when the control socket closes; its children die with it
(PR_SET_PDEATHSIG), so no run outlives the launcher that watches it.
"""
import gc
import importlib
import json
import os
import select
import signal
import socket
import sys

from _mortar_forkserver import child

# What a Glue script's boilerplate imports (python/README.md). Importing them
# once here is what makes a warm start fast; it is also everything a warm run
# shares with the others: these modules' import-time state.
PRELOAD = (
    "_mortar",
    "awsglue",
    "awsglue.context",
    "awsglue.dynamicframe",
    "awsglue.job",
    "awsglue.transforms",
    "awsglue.utils",
    "pyspark",
    "pyspark.context",
    "pyspark.sql",
    "pyspark.sql.functions",
    "pyspark.sql.types",
    # Used by the child to start the run (runpy for zip apps, ctypes for
    # the parent-death signal).
    "ctypes",
    "runpy",
)

_MAX_MESSAGE = 1 << 20  # above what the kernel lets one datagram carry


class Run:
    """What a child needs to become the run's process."""

    def __init__(self, request, out_fd, err_fd, server_pid, startup_path, saved_globals,
                 control, base_path):
        self.request = request
        self.out_fd = out_fd
        self.err_fd = err_fd
        self.server_pid = server_pid
        self.startup_path = startup_path
        self.saved_globals = saved_globals
        self.base_path = base_path  # the server's PYTHONPATH value
        self.control = control  # fds of the server's to close in the child


def _preload():
    loaded, failed = [], {}
    for name in PRELOAD:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception as e:  # a broken optional module must not stop the pool
            failed[name] = f"{type(e).__name__}: {e}"
    return loaded, failed


def _extra_fds(expected):
    """Descriptors a preloaded module keeps open: a child closes them, so
    the launcher warns (a module using one after the fork would misbehave)."""
    try:
        fds = {int(name) for name in os.listdir("/proc/self/fd")}
    except OSError:
        return []
    return sorted(fd for fd in fds - expected if _is_open(fd))


def _is_open(fd):
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False  # the descriptor listdir itself used


def _send(sock, message):
    try:
        sock.send(json.dumps(message, separators=(",", ":")).encode())
    except (BrokenPipeError, ConnectionResetError):
        # The launcher is gone: so is the reason to serve (children die with us).
        os._exit(0)


def _noop(signum, frame):
    pass


def main(args, startup_path, startup_modules):
    """Serves until the control socket closes (returns None), or returns the
    Run to execute when it returns in a forked child."""
    control_fd = int(args[0])
    sock = socket.socket(fileno=control_fd)
    # Preload from exactly the path a cold start has (no script dir yet), so
    # nothing is imported that a cold start could not import.
    sys.path[:] = startup_path
    saved_globals = child.snapshot_globals()
    loaded, failed = _preload()
    top_level = sorted({name.partition(".")[0] for name in sys.modules
                        if name not in startup_modules} -
                       set(sys.builtin_module_names) - {"_mortar_forkserver", "__main__"})
    # Nothing of the preload is garbage; frozen, the collector never touches
    # those objects, so children do not copy their pages.
    gc.collect()
    gc.freeze()
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, _noop)
    # Stop signals for the server come through its socket closing; a terminal's
    # Ctrl-C meant for `mortar serve` must not kill the pool mid-run.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdout.flush()
    sys.stderr.flush()
    server_pid = os.getpid()
    base_path = os.environ.get("PYTHONPATH", "")
    _send(sock, {"ready": server_pid, "preloaded": loaded, "failed": failed,
                 "top_level": top_level,
                 "threads": len(os.listdir("/proc/self/task")),
                 "extra_fds": _extra_fds({0, 1, 2, control_fd, wake_r, wake_w})})
    # pid -> "running" | "exited" (a zombie until released) | "released"
    children = {}
    while True:
        try:
            readable, _, _ = select.select([sock, wake_r], [], [])
        except InterruptedError:
            continue
        if wake_r in readable:
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
            _collect(sock, children)
        if sock not in readable:
            continue
        try:
            data, fds, flags, _ = socket.recv_fds(sock, _MAX_MESSAGE, 2)
        except ConnectionResetError:
            data, fds, flags = b"", [], 0
        if not data:
            return None
        try:
            request = json.loads(data)
        except ValueError:
            request = {}
        if "run" not in request:
            for fd in fds:
                os.close(fd)
            _control(request, children)
            continue
        if len(fds) != 2 or flags & socket.MSG_TRUNC:
            for fd in fds:
                os.close(fd)
            _send(sock, {"refused": request["run"], "error": "the request lost its descriptors"})
            continue
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as e:
            for fd in fds:
                os.close(fd)
            _send(sock, {"refused": request["run"], "error": f"fork: {e.strerror}"})
            continue
        if pid == 0:
            return Run(request, fds[0], fds[1], server_pid, startup_path, saved_globals,
                       control=(sock, wake_r, wake_w), base_path=base_path)
        # Set here as well as in the child, so the group exists before the
        # launcher hears the pid and may signal it.
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass
        for fd in fds:
            os.close(fd)
        children[pid] = "running"
        _send(sock, {"started": request["run"], "pid": pid})


def _control(request, children):
    if "signal" in request:
        pid = request["signal"]
        # A zombie leader still holds its group's id, so this never reaches
        # an unrelated group.
        if children.get(pid) in ("running", "exited"):
            try:
                os.killpg(pid, request["sig"])
            except OSError:
                pass
    elif "release" in request:
        pid = request["release"]
        if children.get(pid) == "exited":
            os.waitpid(pid, 0)
            del children[pid]
        elif children.get(pid) == "running":
            children[pid] = "released"


def _collect(sock, children):
    """Reports children that ended, leaving them zombies until released."""
    for pid, state in list(children.items()):
        if state == "exited":
            continue
        try:
            info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            del children[pid]
            continue
        if info is None or info.si_pid == 0:
            continue
        if state == "released":
            os.waitpid(pid, 0)
            del children[pid]
            continue
        children[pid] = "exited"
        if info.si_code == os.CLD_EXITED:
            code, sig = info.si_status, 0
        else:
            code, sig = 128 + info.si_status, info.si_status
        _send(sock, {"exited": pid, "exit_code": code, "signal": sig})


