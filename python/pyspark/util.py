"""InheritableThread and inheritable_thread_target: with no JVM there are no
local properties to carry over, so they are a plain thread and the target."""
import threading


class InheritableThread(threading.Thread):
    def __init__(self, target, *args, **kwargs):
        super().__init__(*args, target=target, **kwargs)


def inheritable_thread_target(f):
    return f
