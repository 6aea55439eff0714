#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/report/broken.py SRC_DIR DST_DIR: a copy of SRC_DIR/report.html
with its first plot emptied (an <svg> that draws nothing) and one table
without rows: tools/report-check must fail on it (make test shows that)."""
import os
import re
import sys

src, dst = sys.argv[1], sys.argv[2]
with open(os.path.join(src, "report.html")) as f:
    page = f.read()
page, n = re.subn(r"(<figure[^>]*>)<svg.*?</svg>", r'\1<svg width="10"></svg>',
                  page, count=1, flags=re.S)
page, m = re.subn(r'(<table class="data" id="config"><tr>.*?</tr>).*?</table>',
                  r"\1</table>", page, count=1, flags=re.S)
if not n or not m:
    sys.exit("broken.py: no plot or no config table to break in %s" % src)
os.makedirs(dst, exist_ok=True)
with open(os.path.join(dst, "report.html"), "w") as f:
    f.write(page)
