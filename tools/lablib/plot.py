# SPDX-License-Identifier: MIT
"""The lab's latency plots: one SVG per benchmark, the CDF of each
wall-clock backend's samples and of Linux's, with the floor measured in the
same boot drawn dashed beside each backend's curve. The icount backends are
left out: their figures are instructions, in the report's exact table."""
import os
import subprocess

from lablib.report import FLOOR_OF, LINUX_OF, find, is_icount


def _cdf(path, buckets):
    total = float(sum(c for _, c in buckets)) or 1.0
    acc = 0
    with open(path, "w") as f:
        for low, c in sorted(buckets):
            acc += c
            f.write("%d %.6f\n" % (max(low, 1), acc / total))


def series_of(all_data, key):
    """[(title, buckets, dashed)] for benchmark key: each wall-clock
    backend's curve, its floor from the same boot (dashed), Linux's."""
    out = []
    for be, d in all_data.items():
        if is_icount(be):  # instructions: not on the ns axes
            continue
        r = find(d["results"], key)
        if r and r["buckets"]:
            out.append(("vsched %s" % be, r["buckets"], False))
            fl = find(d["results"], FLOOR_OF.get(key, ""))
            if fl and fl["buckets"]:
                out.append(("floor: %s, %s" % (fl["key"], be),
                            fl["buckets"], True))
        want = LINUX_OF.get(key)
        for lr in d["linux"]:
            if want and (lr["key"] == want or lr["name"] == want) and \
                    lr["buckets"]:
                out.append(("linux %s" % be, lr["buckets"], False))
                break
    return out


def plot(outdir, all_data):
    """Writes plot-KEY.svg per benchmark; returns the files gnuplot made."""
    files = []
    keys = sorted({r["key"] for d in all_data.values() for r in d["results"]})
    for key in keys:
        series = series_of(all_data, key)
        if not series:
            continue
        base = os.path.join(outdir, "plot-" + key.replace("@", "-"))
        # noenhanced: names like wake_remote are text, not a subscript.
        cmds = ["set terminal svg size 800,480 noenhanced",
                "set output '%s.svg'" % base,
                "set title '%s: latency CDF, wall clock (dashed: the floor "
                "in the same boot)'" % key,
                "set logscale x", "set xlabel 'latency (ns)'",
                "set ylabel 'fraction of samples'", "set key bottom right",
                "set grid"]
        plots = []
        for i, (title, buckets, dashed) in enumerate(series):
            dat = "%s.%d.dat" % (base, i)
            _cdf(dat, buckets)
            plots.append("'%s' using 1:2 with steps %stitle '%s'" % (
                dat, "dashtype 2 " if dashed else "", title))
        cmds.append("plot " + ", ".join(plots))
        p = subprocess.run(["gnuplot"], input="\n".join(cmds), text=True,
                           capture_output=True)
        if p.returncode == 0:
            files.append(base + ".svg")
    return files


def check_svg(path, key):
    """None, or why the plot for key is wrong: its title must carry the
    benchmark's name as written (no gnuplot markup eating an underscore)."""
    try:
        with open(path, errors="replace") as f:
            svg = f.read()
    except OSError as e:
        return "cannot read: %s" % e
    if "%s: latency CDF" % key not in svg:
        return "title does not say '%s' as written" % key
    return None
