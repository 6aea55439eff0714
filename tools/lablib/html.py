# SPDX-License-Identifier: MIT
"""The lab's report as one self-contained HTML page (report.html beside
the results): the exact (icount) and wall-clock tables, every latency
plot and the scaling plots inlined as SVG, the configuration of every
run, the traces (links and their slowest wakeups), and the text report.
No network, no script from anywhere: a small inline script checks on load
that every table has rows and every plot has drawn something, and says
so in #render-check (tools/report-check reads it in headless Chromium)."""
import datetime
import glob
import html
import os
import re

from .report import LINUX_OF, find, is_icount, keys

STYLE = """
body { font: 14px/1.4 sans-serif; margin: 1.5em; color: #222; max-width: 1400px }
h1 { font-size: 1.5em } h2 { font-size: 1.2em; margin-top: 2em;
  border-bottom: 1px solid #ccc }
table { border-collapse: collapse; margin: .5em 0 } td, th { padding: 2px 8px;
  border: 1px solid #ddd; text-align: right; font-variant-numeric: tabular-nums }
th { background: #f3f3f3 } td:first-child, th:first-child { text-align: left }
.plots { display: flex; flex-wrap: wrap; gap: 12px }
figure { margin: 0; border: 1px solid #eee; padding: 4px }
figcaption { font-size: 12px; color: #555 } pre { background: #f8f8f8;
  padding: .6em; overflow-x: auto; font-size: 12px }
#render-check { font-weight: bold } .bad { color: #b00 }
"""

CHECK = """
window.addEventListener('load', function () {
  var bad = [], tables = document.querySelectorAll('table.data'),
      svgs = document.querySelectorAll('figure svg');
  tables.forEach(function (t) {
    if (t.rows.length < 2 || t.getBoundingClientRect().height < 10)
      bad.push('table ' + t.id);
  });
  svgs.forEach(function (s) {
    var b = s.getBoundingClientRect(), n = s.querySelectorAll(
      'path, polyline, line, rect, text').length;
    if (b.width < 50 || b.height < 50 || n < 5)
      bad.push('plot ' + s.closest('figure').id);
  });
  var el = document.getElementById('render-check');
  el.textContent = (bad.length ? 'RENDER FAIL ' + bad.join(', ') :
    'RENDER OK') + ': ' + tables.length + ' tables, ' + svgs.length +
    ' plots';
  el.className = bad.length ? 'bad' : '';
});
"""


def esc(s):
    return html.escape(str(s), quote=True)


def table(tid, head, rows):
    out = ['<table class="data" id="%s"><tr>%s</tr>' % (
        esc(tid), "".join("<th>%s</th>" % esc(h) for h in head))]
    for r in rows:
        out.append("<tr>%s</tr>" % "".join("<td>%s</td>" % esc(c)
                                           for c in r))
    out.append("</table>")
    return "\n".join(out)


def icount_rows(all_data, bes):
    rows = []
    for key in keys(all_data):
        cells = []
        for be in bes:
            r = find(all_data[be]["results"], key)
            cells.append("%d / %d / %d" % (r["p50"], r["p99"], r["max"])
                         if r else "-")
        if any(c != "-" for c in cells):
            rows.append([key] + cells)
    return rows


def wall_rows(all_data, bes):
    rows = []
    for key in keys(all_data):
        cells = []
        for be in bes:
            d = all_data[be]
            r = find(d["results"], key)
            lx = find(d["linux"], LINUX_OF[key]) if key in LINUX_OF else None
            cell = "%.1f / %.1f" % (r["p50"] / 1e3, r["p99"] / 1e3) \
                if r else "-"
            if lx:
                cell += " (Linux %.1f)" % (lx["p50"] / 1e3)
            cells.append(cell)
        if any(c != "-" for c in cells):
            rows.append([key] + cells)
    return rows


def svg_inline(path, width=620):
    """An SVG file's <svg> element, its XML prologue and fixed size
    dropped so it scales into the page."""
    with open(path, errors="replace") as f:
        s = f.read()
    i = s.find("<svg")
    if i < 0:
        return None
    s = s[i:]
    head_end = s.find(">")
    head = re.sub(r'\s(width|height)="[^"]*"', "", s[:head_end])
    return head + ' style="width:%dpx;height:auto"' % width + s[head_end:]


def figure(fid, path, caption, width=620):
    svg = svg_inline(path, width)
    if svg is None:
        return '<p class="bad">%s: not an SVG</p>' % esc(path)
    return '<figure id="%s">%s<figcaption>%s</figcaption></figure>' % (
        esc(fid), svg, esc(caption))


def write(outdir, all_data, plots, text, scaling_dir=None):
    """report.html in outdir; returns its path."""
    bes_i = [b for b in all_data if is_icount(b)]
    bes_w = [b for b in all_data if not is_icount(b)]
    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    commit = next((d["config"].get("commit") for d in all_data.values()),
                  "?")
    h = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
         "<title>vsched latency lab %s</title><style>%s</style>" % (
             esc(now), STYLE), "<script>%s</script></head><body>" % CHECK,
         "<h1>vsched latency lab</h1>",
         "<p>%s, commit %s, %d backends. <span id='render-check'>not "
         "checked (scripts off)</span></p>" % (esc(now), esc(commit),
                                                len(all_data))]
    if bes_i:
        h.append("<h2>Exact figures: guest instructions per operation "
                 "(QEMU icount; p50 / p99 / max)</h2>")
        h.append("<p>One instruction is one ns of virtual time; the host's "
                 "load does not change these figures.</p>")
        h.append(table("icount", ["benchmark"] + bes_i,
                       icount_rows(all_data, bes_i)))
    if bes_w:
        h.append("<h2>Wall-clock figures (us, p50 / p99; noisy: what this "
                 "host's timing shows)</h2>")
        h.append(table("wallclock", ["benchmark"] + bes_w,
                       wall_rows(all_data, bes_w)))
    h.append("<h2>Latency distributions</h2><div class='plots'>")
    for p in plots:
        name = os.path.basename(p)
        h.append(figure(name, os.path.join(outdir, name)
                        if not os.path.isabs(p) else p,
                        "%s (CDF; dashed: the floor of the same boot; "
                        "exact where the backend is an icount one)" % name))
    h.append("</div>")
    sc = sorted(glob.glob(os.path.join(scaling_dir, "scaling-*.svg"))) \
        if scaling_dir else []
    h.append("<h2>Scaling: per-operation cost from 1 to 64 vCPUs</h2>")
    if sc:
        h.append("<div class='plots'>")
        for p in sc:
            h.append(figure(os.path.basename(p), p, "%s (tools/scaling, %s)"
                            % (os.path.basename(p), datetime.datetime.
                               fromtimestamp(os.path.getmtime(p)).strftime(
                                   "%Y-%m-%d %H:%M"))))
        h.append("</div>")
    else:
        h.append("<p>No scaling plot yet: <code>make scaling</code> or "
                 "<code>tools/scaling</code> draws it.</p>")
    traces = [(b, d["trace"]) for b, d in all_data.items() if d.get("trace")]
    h.append("<h2>Traces</h2>")
    if traces:
        for b, t in traces:
            link = ("<a href='%s'>%s</a> (open in Perfetto or "
                    "chrome://tracing)" % (esc(t["json"]), esc(t["json"]))
                    if t.get("json") else "no trace decoded")
            h.append("<p>%s: %s</p><pre>%s</pre>" % (
                esc(b), link, esc("\n".join(t.get("table", [])))))
            if t.get("svg") and os.path.exists(os.path.join(outdir,
                                                            t["svg"])):
                h.append(figure(t["svg"], os.path.join(outdir, t["svg"]),
                                "%s: the vCPUs around the slowest wakeup "
                                "(boxes: thread runs; arrows: wakeup to "
                                "run)" % b, width=1200))
    else:
        h.append("<p>None in this run (<code>tools/lab --trace</code> adds "
                 "them).</p>")
    h.append("<h2>Configuration of every run</h2>")
    cfg_keys = ["backend", "accel", "vcpus", "mem_mib", "bench_pct", "quick",
                "halt_poll_ns", "commit", "host_cpu"]
    h.append(table("config", cfg_keys + ["notes"], [
        [d["config"].get(k, "") for k in cfg_keys] +
        ["; ".join(d["config"].get("xen", []) + d["notes"])]
        for d in all_data.values()]))
    h.append("<h2>The text report</h2><pre>%s</pre></body></html>" %
             esc(text))
    path = os.path.join(outdir, "report.html")
    with open(path, "w") as f:
        f.write("\n".join(h))
    return path
