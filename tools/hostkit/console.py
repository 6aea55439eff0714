# SPDX-License-Identifier: MIT
"""A guest's console: run a backend's command under timeout(1), its output
line by line to a log, to stdout if asked, and to a callback; every stop
signal passed on. The one copy of this plumbing for tools/run and
tools/linuxref/run."""
import signal
import subprocess
import sys
import time


def stream(cmd, guard, log=None, echo=True, on_line=None):
    """Run cmd under ``timeout -k 5 guard``. Returns (status, seconds):
    timeout(1)'s status (124 or 137 when the guard fired), or None when a
    signal (Ctrl-C, SIGTERM, SIGHUP) stopped us first. Lines reach the log
    and stdout as they come (the lab reads them live); on_line gets each
    one decoded, without its line end and carriage return."""
    stopped = []
    t0 = time.monotonic()
    proc = subprocess.Popen(["timeout", "-k", "5", str(guard)] + cmd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)

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
        for chunk in iter(proc.stdout.readline, b""):
            if f:
                f.write(chunk)
                f.flush()
            if echo:
                try:
                    out.write(chunk)
                    out.flush()
                except BrokenPipeError:
                    echo = False
            if on_line:
                on_line(chunk.decode("utf-8", "replace").rstrip("\r\n"))
        rc = proc.wait()
    finally:
        if f:
            f.close()
        for s, h in old.items():
            signal.signal(s, h)
    return (None if stopped else rc), time.monotonic() - t0
