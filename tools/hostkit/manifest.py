# SPDX-License-Identifier: MIT
"""The guest-suite manifest (tests/guest/suites.cfg), kvm-unit-tests style:
one [section] per entry, with named keys, expanded into runs (one boot
each: entry x arch x backend x vCPU count). The keys are documented at the
top of the manifest itself.
"""
import configparser
import re
import shlex
from dataclasses import dataclass, field

from hostkit import backends, cli

KEYS = {"suite", "cmdline", "vcpus", "backends", "arch", "timeout",
        "expect_exit", "expect", "mem", "args", "groups"}
NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")


class ManifestError(Exception):
    """A manifest that cannot be used: the message names file and entry."""


@dataclass
class Entry:
    name: str
    line: int
    arches: list
    backends: list
    vcpus: list
    timeout: int
    cmdline: str            # the whole guest command line (test=... first)
    expect_exit: int = None
    expect: list = field(default_factory=list)
    mem: int = None
    args: list = field(default_factory=list)
    groups: list = field(default_factory=list)


@dataclass
class Run:
    entry: Entry
    name: str               # entry name, "ARCH."-prefixed but for x86_64
    arch: str
    backend: str
    vcpus: int

    @property
    def log_name(self):
        return "%s-%s-%d.log" % (self.name, self.backend, self.vcpus)


def _words(value):
    return value.replace(",", " ").split()


def _count(where, key, value, limit=999999):
    if not cli.count(value) or int(value) > limit:
        raise ManifestError("%s: %s must be a positive integer, not '%s'" %
                            (where, key, value))
    return int(value)


def _entry(path, name, sec, line):
    where = "%s:%d: [%s]" % (path, line, name)
    if not NAME_RE.match(name):
        raise ManifestError("%s: a name is [A-Za-z0-9_.-]+" % where)
    unknown = set(sec) - KEYS
    if unknown:
        raise ManifestError("%s: unknown key%s %s (known: %s)" % (
            where, "s" if len(unknown) > 1 else "", ", ".join(sorted(unknown)),
            ", ".join(sorted(KEYS))))
    for key in ("vcpus", "backends", "timeout"):
        if not sec.get(key, "").strip():
            raise ManifestError("%s: no %s" % (where, key))
    suite = _words(sec.get("suite", ""))
    cmdline = " ".join(sec.get("cmdline", "").split())
    if not suite and not cmdline:
        raise ManifestError("%s: neither suite nor cmdline" % where)
    if suite:
        cmdline = ("test=%s %s" % (",".join(suite), cmdline)).strip()
    arches = _words(sec.get("arch", "x86_64"))
    for a in arches:
        if a not in backends.ARCHES:
            raise ManifestError("%s: unknown arch '%s' (known: %s)" % (
                where, a, " ".join(backends.ARCHES)))
    bes = _words(sec["backends"])
    for b in bes:
        if b not in backends.BACKENDS:
            raise ManifestError("%s: unknown backend '%s' (known: %s)" % (
                where, b, " ".join(backends.BACKENDS)))
    for a in arches:
        if not any(a in backends.BACKENDS[b].arches for b in bes):
            raise ManifestError("%s: none of its backends boots %s" %
                                (where, a))
    e = Entry(name=name, line=line, arches=arches, backends=bes,
              vcpus=[_count(where, "vcpus", v, 64)
                     for v in _words(sec["vcpus"])],
              timeout=_count(where, "timeout", sec["timeout"].strip()),
              cmdline=cmdline,
              expect=[x.strip() for x in sec.get("expect", "").split("\n")
                      if x.strip()],
              args=shlex.split(sec.get("args", "")),
              groups=_words(sec.get("groups", "")))
    if "expect_exit" in sec:
        v = sec["expect_exit"].strip()
        if not re.fullmatch(r"[0-9]{1,3}", v) or int(v) > 255:
            raise ManifestError("%s: expect_exit must be 0..255, not '%s'" %
                                (where, v))
        e.expect_exit = int(v)
    if "mem" in sec:
        e.mem = _count(where, "mem", sec["mem"].strip())
    for rx in e.expect:
        try:
            re.compile(rx)
        except re.error as err:
            raise ManifestError("%s: bad expect regex '%s': %s" %
                                (where, rx, err)) from None
    return e


def load(path):
    """The entries of the manifest at path, in file order."""
    cp = configparser.ConfigParser(interpolation=None, delimiters=("=",),
                                   comment_prefixes=("#",),
                                   empty_lines_in_values=False,
                                   default_section="\0none", strict=True)
    cp.optionxform = str  # keys as written
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        cp.read_string(text, source=path)
    except OSError as err:
        raise ManifestError("cannot read %s: %s" % (path, err.strerror))
    except configparser.Error as err:
        raise ManifestError(str(err).replace("\n", " "))
    lines = {}
    for i, ln in enumerate(text.splitlines(), 1):
        m = re.match(r"^\[([^\]]*)\]", ln)
        if m:
            lines[m.group(1)] = i
    return [_entry(path, name, cp[name], lines.get(name, 0))
            for name in cp.sections()]


def expand(entries):
    """Every run of the entries: entry x arch x backend (those that boot
    the arch) x vCPU count, in manifest order."""
    runs = []
    for e in entries:
        for arch in e.arches:
            name = e.name if arch == "x86_64" else "%s.%s" % (arch, e.name)
            for b in e.backends:
                if arch not in backends.BACKENDS[b].arches:
                    continue
                for n in e.vcpus:
                    runs.append(Run(e, name, arch, b, n))
    seen = {}
    for r in runs:
        other = seen.setdefault(r.log_name, r)
        if other is not r:
            raise ManifestError(
                "[%s] and [%s] both make the run %s (log %s): rename one" %
                (other.entry.name, r.entry.name, r.name, r.log_name))
    return runs
