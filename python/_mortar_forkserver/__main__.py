"""Entry point: `python <dir>/_mortar_forkserver/__main__.py CONTROL_FD`.

Run by path rather than with -m so that Python puts no working directory in
sys.path; the entries after sys.path[0] are exactly what a cold
`python script.py` with the same environment would have after its own."""
import sys

if __name__ == "__main__":
    # What a bare interpreter has imported when a script starts.
    _startup_modules = set(sys.modules)
    import os

    # A cold start's path is [script's dir] + these; children rebuild it so.
    _startup_path = sys.path[1:]
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    from _mortar_forkserver import child, server

    _run = server.main(sys.argv[1:], _startup_path, _startup_modules)
    if _run is None:
        sys.exit(0)
    # Only a forked child gets here, with no frame of the server's loop left
    # on its stack; this never returns (the script's exit is the process's).
    child.execute(_run)
