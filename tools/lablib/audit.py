# SPDX-License-Identifier: MIT
"""The guest's audit log (guest/audit.c): AUDIT and AUDIT-SUMMARY lines of
a console log -> records, exported as JSON, CSV or text. A line that does
not parse is reported, never dropped silently."""
import csv
import json

FIELDS = ["seq", "ns", "cpu", "severity", "kind", "tid", "thread", "msg"]


class Log:
    def __init__(self):
        self.records = []     # dicts with FIELDS
        self.summary = None   # the AUDIT-SUMMARY object, or None
        self.problems = []

    def counts(self):
        """Events by kind since boot (the summary's exact counts)."""
        if not self.summary:
            return {}
        return {k: v for k, v in self.summary.items()
                if k not in ("dropped", "kept", "panic")}


def parse(lines):
    log = Log()
    for raw in lines:
        i = raw.find("AUDIT")
        if i < 0:
            continue
        line = raw[i:].strip()
        for tag in ("AUDIT-SUMMARY ", "AUDIT "):
            if line.startswith(tag):
                try:
                    obj = json.loads(line[len(tag):])
                except ValueError:
                    log.problems.append("unparsable %s line: %s" % (
                        tag.strip(), line[:80]))
                    break
                if tag == "AUDIT ":
                    if not all(k in obj for k in FIELDS):
                        log.problems.append("AUDIT line without every "
                                            "field: %s" % line[:80])
                    log.records.append(obj)
                else:
                    log.summary = obj
                break
    if log.records and log.summary is None:
        log.problems.append("no AUDIT-SUMMARY line: the log was cut short")
    if log.summary is not None and \
            log.summary.get("kept") != len(log.records):
        log.problems.append("AUDIT-SUMMARY says %s records kept, %d read" %
                            (log.summary.get("kept"), len(log.records)))
    return log


def to_json(log, out):
    json.dump({"records": log.records, "summary": log.summary,
               "problems": log.problems}, out, indent=1)


def to_csv(log, out):
    w = csv.writer(out)
    w.writerow(FIELDS)
    for r in log.records:
        w.writerow([r.get(k, "") for k in FIELDS])


def to_text(log):
    lines = []
    for r in log.records:
        lines.append("%12.3f ms  vCPU %-2s %-8s %-12s %s[%s]: %s" % (
            r.get("ns", 0) / 1e6, r.get("cpu"), r.get("severity"),
            r.get("kind"), r.get("thread"), r.get("tid"), r.get("msg")))
    if log.summary:
        c = log.counts()
        lines.append("audit: %d records kept, %s dropped; by kind: %s" % (
            len(log.records), log.summary.get("dropped"),
            ", ".join("%s %d" % (k, v) for k, v in c.items() if v) or
            "none"))
    else:
        lines.append("audit: no audit log in this console")
    lines += ["damaged: " + p for p in log.problems]
    return lines
