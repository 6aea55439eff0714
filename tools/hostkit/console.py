# SPDX-License-Identifier: MIT
"""A guest's console: run a backend's command under timeout(1), its output
line by line to a log, to stdout if asked, and to a watcher; every stop
signal passed on. The one copy of this plumbing for tools/run,
tools/xen/boot and tools/linuxref/run."""
import queue
import re
import shlex
import signal
import subprocess
import sys
import threading
import time

# hv's exit statistics: a table and a JSON line that would crowd the
# guest's own lines out of a console tail.
HV_STATS = re.compile(r"^(hv:   |hv: KVM exit counters|HV_STATS )")


def guarded(cmd, guard):
    """cmd under timeout(1): stopped after guard seconds, killed 5 later."""
    return ["timeout", "-k", "5", str(guard)] + cmd


def show(cmd, guard):
    """The guarded command as a shell line (what --dry-run prints)."""
    return shlex.join(guarded(cmd, guard))


def tail(lines, n):
    """The last n console lines, without hv's exit statistics."""
    return [ln for ln in lines if not HV_STATS.match(ln)][-n:]


class Watcher:
    """What a caller learns from the console. line() sees each line
    (decoded, without its line end and carriage return) and returns False
    to keep it off stdout and the log; stop() is asked after every line and
    at least once a second, and a True ends the backend (SIGTERM through
    timeout(1)): for a hypervisor that never quits on its own."""

    def line(self, text):
        return True

    def stop(self):
        return False

    def input(self):
        """Bytes to type into the backend's console now (asked as often as
        stop()); b"" for none. A watcher that never types leaves the
        backend's stdin at /dev/null."""
        return b""


def stream(cmd, guard, log=None, echo=True, watcher=None):
    """Run cmd under ``timeout -k 5 guard``. Returns (status, seconds):
    timeout(1)'s status (124 or 137 when the guard fired; -15 or 143 when
    the watcher stopped it), or None when a signal (Ctrl-C, SIGTERM,
    SIGHUP) stopped us first. Lines reach the log and stdout as they come
    (the lab reads them live)."""
    watcher = watcher or Watcher()
    stopped, ended = [], []
    t0 = time.monotonic()
    types = type(watcher).input is not Watcher.input
    proc = subprocess.Popen(guarded(cmd, guard),
                            stdin=subprocess.PIPE if types else
                            subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    lines = queue.Queue()

    def reader():
        for chunk in iter(proc.stdout.readline, b""):
            lines.put(chunk)
        lines.put(None)
    threading.Thread(target=reader, daemon=True).start()

    # timeout(1) sits in its own process group and would not see a
    # terminal's Ctrl-C: pass every stop signal on.
    def stop(signum, frame):
        stopped.append(signum)
        proc.terminate()
    old = {s: signal.signal(s, stop)
           for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    out = sys.stdout.buffer
    f = open(log, "ab") if log else None
    try:
        while True:
            try:
                chunk = lines.get(timeout=0.5)
            except queue.Empty:
                chunk = b""
            if chunk is None:
                break
            if chunk and watcher.line(
                    chunk.decode("utf-8", "replace").rstrip("\r\n")):
                if f:
                    f.write(chunk)
                    f.flush()
                if echo:
                    try:
                        out.write(chunk)
                        out.flush()
                    except BrokenPipeError:
                        echo = False
            if not ended and watcher.stop():
                ended.append(True)
                proc.terminate()
            typed = watcher.input() if types and not ended else b""
            if typed:
                try:
                    proc.stdin.write(typed)
                    proc.stdin.flush()
                except OSError:
                    types = False  # the backend is gone
        rc = proc.wait()
    finally:
        if f:
            f.close()
        for s, h in old.items():
            signal.signal(s, h)
    return (None if stopped else rc), time.monotonic() - t0
