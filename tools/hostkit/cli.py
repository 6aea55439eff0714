# SPDX-License-Identifier: MIT
"""The command lines of tools/run, tools/xen/boot and tools/linuxref/run:
one parser for the options users already type (--opt VALUE or
--opt=VALUE, flags, repeatable options, and after -- the words for the
backend), one style of usage error, one reading of a count."""
import os
import re
import sys

from hostkit.backends import EXIT_USAGE, ROOT

COUNT = re.compile(r"[1-9][0-9]{0,5}")


def count(s):
    """s as a positive decimal integer below a million, or None."""
    return int(s) if isinstance(s, str) and COUNT.fullmatch(s) else None


def rel(path):
    """path relative to the repository when inside it, for messages."""
    return os.path.relpath(path, ROOT) if path.startswith(ROOT + "/") \
        else path


def usage_error(prog, tool, msg):
    """Say what is wrong and where the help is; exit 2."""
    print("%s: %s\nTry '%s --help'." % (prog, msg, tool), file=sys.stderr)
    sys.exit(EXIT_USAGE)


def parse(argv, prog, tool, usage, valued, flags=(), repeated=(),
          passthrough=False, defaults=None):
    """argv -> dict: each valued option's last value (repeated ones: the
    list of all), each flag True or False, "extra" the words after -- when
    passthrough. -h/--help prints usage and exits 0."""
    o = dict(defaults or {})
    for f in flags:
        o[f] = False
    for r in repeated:
        o[r] = []
    o["extra"] = []
    i = 0
    while i < len(argv):
        opt, val = argv[i], None
        if opt.startswith("--") and "=" in opt:
            opt, val = opt.split("=", 1)
        if opt in ("-h", "--help"):
            print(usage, end="")
            sys.exit(0)
        if opt == "--" and passthrough and val is None:
            o["extra"] = argv[i + 1:]
            break
        if opt in flags and val is None:
            o[opt] = True
        elif opt in valued or opt in repeated:
            if val is None:
                if i + 1 >= len(argv):
                    usage_error(prog, tool, "%s needs a value" % opt)
                i += 1
                val = argv[i]
            if opt in repeated:
                o[opt].append(val)
            else:
                o[opt] = val
        else:
            usage_error(prog, tool, "unknown argument: %s" % argv[i])
        i += 1
    return o
