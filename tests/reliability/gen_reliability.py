# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run every bad-input case (tests/unit/plugins/modules/bad_input_cases.py) with the harness of test_bad_input.py
and write the table of cases and outcomes into docs/reliability.md, between the markers
``<!-- bad-input-table:start -->`` and ``<!-- bad-input-table:end -->`` (the rest of the document is left alone).

Usage, with the unit test environment (.venv)::

    .venv/bin/python tests/reliability/gen_reliability.py            # rewrite the table of docs/reliability.md
    .venv/bin/python tests/reliability/gen_reliability.py --check    # exit 1 when the table is not up to date
    .venv/bin/python tests/reliability/gen_reliability.py --report   # failing case ids, grouped by reason

It runs from the repository (the collection is then laid out as ansible_collections/accessops/atlassian in a temporary
directory, by a symbolic link) or from a tree built by ``make tree`` (with or without PYTHONPATH=<build dir>).
"""

from __future__ import annotations

import argparse
import atexit
import difflib
import os
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

START = "<!-- bad-input-table:start -->"
END = "<!-- bad-input-table:end -->"
TITLE = "# Reliability"
INPUT_WIDTH = 48
MESSAGE_WIDTH = 80
EXPECTED_TEXT = {"fail": "fails, 0 requests", "fail-no-writes": "fails, 0 writes", "ok": "succeeds, 0 writes"}

HERE = Path(__file__).resolve()
COLLECTION_ROOT = HERE.parents[2]
DEFAULT_DOC = COLLECTION_ROOT / "docs" / "reliability.md"


def _import_harness():
    """(bad_input_cases, test_bad_input), making ansible_collections.accessops.atlassian importable if it is not."""
    package = "ansible_collections.accessops.atlassian.tests.unit.plugins.modules"
    try:
        __import__(package + ".test_bad_input")
    except ImportError:
        root = COLLECTION_ROOT
        if root.name == "atlassian" and root.parent.name == "accessops" and root.parents[1].name == "ansible_collections":
            sys.path.insert(0, str(root.parents[2]))
        else:
            layout = tempfile.mkdtemp(prefix="gen-reliability-")
            atexit.register(shutil.rmtree, layout, True)
            os.makedirs(os.path.join(layout, "ansible_collections", "accessops"))
            os.symlink(str(root), os.path.join(layout, "ansible_collections", "accessops", "atlassian"))
            sys.path.insert(0, layout)
        __import__(package + ".test_bad_input")
    return sys.modules[package + ".bad_input_cases"], sys.modules[package + ".test_bad_input"]


# -- text helpers ------------------------------------------------------------------------------------------------------


def redact(text, secrets):
    """``text`` with every piece of 8 or more characters of a secret replaced by ``<redacted>``."""
    for secret in secrets:
        changed = True
        while changed:
            changed = False
            for length in range(len(secret), 7, -1):
                for start in range(len(secret) - length + 1):
                    piece = secret[start : start + length]
                    if piece in text:
                        text = text.replace(piece, "<redacted>")
                        changed = True
                        break
                if changed:
                    break
    return text


def escape_controls(text):
    """Control and format characters (line breaks, tabs, NUL, DEL, zero-width...) written as Python escapes."""
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text)


def code(text):
    """A Markdown code span that is safe in a table cell."""
    return "`%s`" % text.replace("`", "'").replace("|", "\\|") if text else ""


def _named(value, secrets):
    """``value`` with each secret replaced by ``<name>`` (recursively)."""
    if isinstance(value, str):
        for name, secret in secrets.items():
            value = value.replace(secret, "<%s>" % name)
        return value
    if isinstance(value, list):
        return [_named(v, secrets) for v in value]
    if isinstance(value, dict):
        return {k: _named(v, secrets) for k, v in value.items()}
    return value


def short(value, secrets):
    value = _named(value, secrets)
    if isinstance(value, str) and len(value) > 2 * INPUT_WIDTH:
        text = "%s... (%d chars)" % (repr(value[:12]), len(value))
    else:
        text = repr(value)
        if len(text) > INPUT_WIDTH:
            text = text[: INPUT_WIDTH - 3] + "..."
    return redact(escape_controls(text), secrets.values())


def input_text(case, secrets):
    parts = ["%s=%s" % (key, short(value, secrets)) for key, value in case["set"].items()]
    parts.extend("no %s" % key for key in case["unset"])
    return code(", ".join(parts))


def message_text(msg, secrets):
    if not isinstance(msg, str) or not msg:
        return ""
    text = escape_controls(redact(msg, secrets.values()))
    if len(text) > MESSAGE_WIDTH:
        text = text[: MESSAGE_WIDTH - 3] + "..."
    return code(text)


def outcome_text(case, outcome, found, secrets):
    reads = len(outcome["requests"])
    msg = message_text((outcome["result"] or {}).get("msg"), secrets)
    if found:
        details = redact("; ".join("%s: %s" % item for item in found), secrets.values())
        head = "known ansible-core limit, " if case["known_limit"] else "**NOT MET**, "
        text = head + escape_controls(details).replace("|", "\\|")
    elif case["expect"] == "fail":
        text = "failed cleanly, 0 requests"
    elif case["expect"] == "fail-no-writes":
        text = "failed cleanly, %d read(s), 0 writes" % reads
    else:
        text = "succeeded, %d read(s), 0 writes" % reads
    return "%s: %s" % (text, msg) if msg else text


# -- rendering ---------------------------------------------------------------------------------------------------------


def run_all():
    """[(case, outcome, problems)] for every case, in the order of the table."""
    cases, harness = _import_harness()
    rows = []
    for case in cases.CASES:
        outcome = harness.run_case(case)
        rows.append((case, outcome, harness.problems(case, outcome)))
    return cases, rows


def render(cases, rows):
    """The text between the markers (starting and ending with a line break)."""
    secrets = cases.SECRETS
    met = sum(1 for case, _o, found in rows if not found)
    limits = sum(1 for case, _o, found in rows if found and case["known_limit"])
    counts = {e: sum(1 for case, _o, _f in rows if case["expect"] == e) for e in cases.EXPECTATIONS}
    lines = [
        "",
        "Generated by `tests/reliability/gen_reliability.py` from `tests/unit/plugins/modules/bad_input_cases.py` "
        "(do not edit by hand).",
        "",
        "%d cases: %d must fail before any request, %d must fail with zero writes (a read is needed to know), %d are "
        "valid controls. Met: %d. Not met: %d. Known ansible-core limits: %d."
        % (len(rows), counts["fail"], counts["fail-no-writes"], counts["ok"], met, len(rows) - met - limits, limits),
        "",
        "| Case | Module | Option | Input | Expected | Outcome |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for case, outcome, found in rows:
        lines.append(
            "| %s | %s | %s | %s | %s | %s |"
            % (
                code(case["id"]),
                case["module"],
                code(case["option"]),
                input_text(case, secrets),
                EXPECTED_TEXT[case["expect"]],
                outcome_text(case, outcome, found, secrets),
            )
        )
    lines.append("")
    return "\n".join(lines) + "\n"


def report(rows):
    """Failing case ids grouped by reason."""
    groups = {}
    for case, _outcome, found in rows:
        for category in sorted({item[0] for item in found}):
            groups.setdefault(category, []).append(case["id"] + (" (known limit)" if case["known_limit"] else ""))
    lines = []
    for category in sorted(groups):
        lines.append("%s (%d):" % (category, len(groups[category])))
        lines.extend("  " + item for item in groups[category])
    return "\n".join(lines) + "\n" if lines else "every case meets its contract\n"


def _region(text):
    """(before, region, after) around the markers, or None when they are missing."""
    start = text.find(START)
    end = text.find(END, start + len(START)) if start >= 0 else -1
    if start < 0 or end < 0:
        return None
    return text[: start + len(START)], text[start + len(START) : end], text[end:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--doc", default=str(DEFAULT_DOC), help="the Markdown file to update (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 when the table of --doc is not a fresh rendering")
    parser.add_argument("--report", action="store_true", help="print the failing case ids grouped by reason")
    options = parser.parse_args(argv)

    cases, rows = run_all()
    fresh = render(cases, rows)
    if options.report:
        sys.stdout.write(report(rows))
        sys.stdout.flush()
    doc = Path(options.doc)
    current = doc.read_text(encoding="utf-8") if doc.exists() else None
    parts = _region(current) if current is not None else None

    if options.check:
        if parts is None:
            sys.stderr.write("%s: missing, or without the markers %s ... %s\n" % (doc, START, END))
            return 1
        if parts[1] != fresh:
            sys.stderr.writelines(
                difflib.unified_diff(parts[1].splitlines(True), fresh.splitlines(True), "%s (table)" % doc, "fresh rendering")
            )
            return 1
        return 0

    if current is None:
        text = "%s\n\n%s%s%s\n" % (TITLE, START, fresh, END)
    elif parts is None:
        text = current.rstrip("\n") + "\n\n%s%s%s\n" % (START, fresh, END)
    else:
        text = parts[0] + fresh + parts[2]
    if text != current:
        doc.parent.mkdir(parents=True, exist_ok=True)
        doc.write_text(text, encoding="utf-8")
        sys.stderr.write("wrote %s\n" % doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
