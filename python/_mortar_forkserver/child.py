"""A forked child becoming a job run's process, as if Python had just been
started on the script: its own process group, limits, descriptors, working
dir, environment, signals and interpreter state; then the script runs as a
fresh __main__ module."""
import atexit
import builtins
import ctypes
import importlib
import importlib.machinery
import importlib.util
import io
import os
import random
import resource
import signal
import sys
import threading
import time
import types

_PR_SET_PDEATHSIG = 1


def execute(run):
    """Never returns: the script's end is the process's exit."""
    request = run.request
    try:
        _become_process(run)
    except BaseException as e:  # the run could not be set up: say why, as a cold start would
        try:
            os.write(2, f"mortar: cannot start the run: {e}\n".encode())
        finally:
            os._exit(127)
    _run_script(request["argv"][1], request["argv"][1:],
                _path_with_extras(run.startup_path, run.base_path))


def _become_process(run):
    os.setpgid(0, 0)
    # A run must not outlive the server that watches it.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != run.server_pid:
        os._exit(137)
    _reset_signals()
    _take_descriptors(run)
    _apply_limits(run.request.get("limits") or {})
    os.chdir(run.request["cwd"])
    _replace_environment(run.request["env"])
    _reset_interpreter(run)


def _reset_signals():
    # What CPython leaves after its own start-up from default dispositions.
    signal.set_wakeup_fd(-1)
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        if sig == signal.SIGINT:
            handler = signal.default_int_handler
        elif sig in (signal.SIGPIPE, signal.SIGXFSZ):
            handler = signal.SIG_IGN
        else:
            handler = signal.SIG_DFL
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError):
            pass  # glibc's reserved real-time signals
    signal.pthread_sigmask(signal.SIG_SETMASK, [])


def _take_descriptors(run):
    sock, wake_r, wake_w = run.control
    os.close(sock.detach())  # detached: the object must not close a reused number later
    os.close(wake_r)
    os.close(wake_w)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(run.out_fd, 1)
    os.dup2(run.err_fd, 2)
    # Everything else the server had open is not the run's (no preloaded
    # module keeps one: the launcher refuses a fork server that has any).
    os.closerange(3, 1 << 20)


def _apply_limits(limits):
    # [soft, hard] pairs, computed by the launcher as the cold launcher sets them.
    for key, which in (("as", resource.RLIMIT_AS), ("cpu", resource.RLIMIT_CPU),
                       ("nofile", resource.RLIMIT_NOFILE)):
        if limits.get(key):
            soft, hard = limits[key]
            resource.setrlimit(which, (soft, hard))


def _replace_environment(env):
    new = {}
    for entry in env:
        key, sep, value = entry.partition("=")
        if sep and key:
            new[key] = value
    os.environ.clear()  # unsetenv too: native code reads the C environment
    os.environ.update(new)
    time.tzset()  # time's zone was computed from the server's TZ at import


def snapshot_globals():
    """Interpreter-wide settings a preloaded module could change at import;
    taken before preloading, put back in each child."""
    import gc
    import warnings
    return {
        "warnings": list(warnings.filters),
        "recursion_limit": sys.getrecursionlimit(),
        "switch_interval": sys.getswitchinterval(),
        "gc_threshold": gc.get_threshold(),
        "dont_write_bytecode": sys.dont_write_bytecode,
        "meta_path": list(sys.meta_path),
        "path_hooks": list(sys.path_hooks),
    }


def _restore_globals(saved):
    import gc
    import warnings
    warnings.filters[:] = saved["warnings"]
    getattr(warnings, "_filters_mutated", lambda: None)()
    sys.setrecursionlimit(saved["recursion_limit"])
    sys.setswitchinterval(saved["switch_interval"])
    gc.set_threshold(*saved["gc_threshold"])
    sys.dont_write_bytecode = saved["dont_write_bytecode"]
    sys.meta_path[:] = saved["meta_path"]
    sys.path_hooks[:] = saved["path_hooks"]


def _reset_interpreter(run):
    request = run.request
    _restore_globals(run.saved_globals)
    sys.orig_argv = list(request["argv"])
    for name in [m for m in sys.modules if m == "_mortar_forkserver" or
                 m.startswith("_mortar_forkserver.")]:
        del sys.modules[name]
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    random.seed()
    import tempfile
    tempfile.tempdir = None  # chosen again from this run's TMPDIR
    sys.excepthook = sys.__excepthook__
    sys.displayhook = sys.__displayhook__
    sys.settrace(None)
    sys.setprofile(None)
    threading.settrace(None)
    threading.setprofile(None)


def _path_with_extras(startup_path, base_path):
    """The interpreter's path for this run's PYTHONPATH, which may add
    entries after the fork server's (its --extra-py-files): they go where
    Python puts PYTHONPATH entries, absolute against the cwd, duplicates
    dropped as site.removeduppaths does."""
    run_path = os.environ.get("PYTHONPATH", "")
    if run_path == base_path or not run_path.startswith(base_path + ":" if base_path else ""):
        return list(startup_path)
    extras = run_path[len(base_path) + 1:].split(":") if base_path else run_path.split(":")
    base = [os.path.abspath(entry) for entry in base_path.split(":")] if base_path else []
    n = 0
    while n < len(startup_path) and startup_path[n] in base:
        n += 1
    combined = startup_path[:n] + [os.path.abspath(entry) for entry in extras] + startup_path[n:]
    seen, out = set(), []
    for entry in combined:
        if entry not in seen:
            seen.add(entry)
            out.append(entry)
    return out


def _is_zip_or_bytecode(path):
    with open(path, "rb") as f:
        head = f.read(4)
    return head == b"PK\x03\x04" or head == importlib.util.MAGIC_NUMBER


def _run_script(script, argv, startup_path):
    # As CPython: __file__ is the script joined to the cwd, not normalised;
    # sys.path[0] is the directory of the file the script resolves to.
    path = script if os.path.isabs(script) else os.getcwd().rstrip("/") + "/" + script
    sys.argv = list(argv)
    preloaded = set(sys.modules)
    code, by_sigint = 0, False
    try:
        if _is_zip_or_bytecode(path):
            import runpy
            sys.path[:] = list(startup_path)
            runpy.run_path(script, run_name="__main__")
        else:
            sys.path[:] = [os.path.dirname(os.path.realpath(path))] + list(startup_path)
            _run_source(path)
    except SystemExit as e:
        code = _system_exit_code(e)
    except BaseException as exc:
        _uncaught(exc)
        code, by_sigint = 1, isinstance(exc, KeyboardInterrupt)
    # Outside the handlers: atexit callbacks see no exception being handled.
    _finish(code, preloaded, by_sigint)


def _system_exit_code(e):
    # As CPython's handling of SystemExit: None is 0, an int is the code,
    # anything else is printed and means 1.
    code = e.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    try:
        sys.stderr.write(str(code) + "\n")
    except Exception:
        pass
    return 1


def _finish(code, preloaded, by_sigint=False):
    """Ends the process as interpreter shutdown would for everything the run
    owns: non-daemon threads joined, atexit callbacks run, the script's and
    its own imported modules' objects finalised (open files flushed ...),
    stdio flushed. The preloaded modules are not torn down -- tearing them
    down touches every preloaded page and doubles a short run's time; Python
    does not promise finalisers for objects alive at exit anyway."""
    threading._shutdown()
    atexit._run_exitfuncs()
    if threading.active_count() > 1:
        # Daemon threads still run: a full shutdown stops them properly.
        if by_sigint:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGINT)
        sys.exit(code)
    owned = [name for name in sys.modules if name not in preloaded or name == "__main__"]
    owned.sort(key=lambda name: name != "__main__")  # __main__ first, as CPython
    modules = [sys.modules[name] for name in owned]
    for name in owned:
        del sys.modules[name]
    for module in modules:
        namespace = getattr(module, "__dict__", None)
        if isinstance(namespace, dict):
            for key in list(namespace):
                if key != "__builtins__":
                    namespace[key] = None
    del modules
    import gc
    gc.collect()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    if by_sigint:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    os._exit(code)


def _run_source(path):
    main = types.ModuleType("__main__")
    main.__dict__.update({
        "__package__": None,
        "__loader__": importlib.machinery.SourceFileLoader("__main__", path),
        "__spec__": None,
        "__annotations__": {},
        "__builtins__": builtins,
        "__file__": path,
        "__cached__": None,
    })
    sys.modules["__main__"] = main
    with io.open_code(path) as f:
        source = f.read()
    code = compile(source, path, "exec", dont_inherit=True)
    exec(code, main.__dict__)


def _uncaught(exc):
    """What CPython does with an exception that ends the script: the hook
    prints it, from the script's own frame on (not this module's)."""
    import runpy
    own = {__file__, runpy.__file__}
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename in own:
        tb = tb.tb_next
    exc.__traceback__ = tb  # what the hook prints
    sys.last_type, sys.last_value, sys.last_traceback = type(exc), exc, tb
    try:
        sys.excepthook(type(exc), exc, tb)
    except BaseException as hook_error:
        sys.__excepthook__(type(hook_error), hook_error, hook_error.__traceback__)
        sys.__excepthook__(type(exc), exc, tb)

