# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docs/DESIGN.md stays true: every file, module_utils name and constant it names in backticks exists.

Checked kinds of reference (anything else in backticks is prose: option values, shell, JSON keys):

* a path (``_permissions/engine.py``, ``tests/unit/test_layers.py``, ``roles/offboarding/tasks/report.yml``): a file or
  directory of the tree whose path ends with it; templated paths (``<role>``, ``*``, ``{...}``) are skipped;
* a dotted name into module_utils or the simulator (``_bitbucket.identity.Directory``, ``_errors.redact``,
  ``contract.STRICTNESS_OVERLAY``): the module file exists and defines the name (``def``, ``class`` or an assignment,
  methods included) or re-exports it;
* an upper-case constant (``MIN_TARGETS``): assigned in the plugins or the tests, or a variable of the Makefile, or
  an environment variable the code or the Makefile reads (or unsets).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DESIGN = ROOT / "docs" / "DESIGN.md"
SKIP_DIRS = {".git", "build", "output", "__pycache__", ".pytest_cache"}
# Named but made by a build, not kept in the tree: antsibull-docs writes build.sh into the docsite build directory.
GENERATED = {"build.sh"}
TOP = ("plugins/", "tests/", "docs/", "roles/", "playbooks/", "meta/", "changelogs/", "_")
EXTENSION = r"\.(py|yml|yaml|md|json|cfg|txt|sh|j2|toml|rst)$"
CODE_ROOTS = {
    "": ROOT / "plugins" / "module_utils",
    "contract": ROOT / "tests" / "simulator" / "atlsim",
    "atlsim": ROOT / "tests" / "simulator",
}


def _files() -> list[str]:
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".venv")]
        rel = os.path.relpath(folder, ROOT)
        found.append("" if rel == "." else rel + "/")
        found.extend(os.path.normpath(os.path.join(rel, name)) for name in files)
    return found


FILES = _files()
TOKENS = re.findall(r"`([^`\n]+)`", DESIGN.read_text(encoding="utf-8"))
PATHS = sorted(
    {
        t
        for t in TOKENS
        if re.fullmatch(r"[\w./-]+", t)
        and not t.startswith(("/", "../"))
        and t not in GENERATED
        and (re.search(EXTENSION, t) or ("/" in t and t.startswith(TOP)))
    }
)
DOTTED = sorted(
    {t.rstrip("()") for t in TOKENS if re.fullmatch(r"_[a-z_]+(\.[A-Za-z_]\w*)+(\(\))?", t) and not re.search(EXTENSION, t)}
    | {t for t in TOKENS if re.fullmatch(r"(contract|atlsim)\.[A-Za-z_]\w*", t)}
)
CONSTANTS = sorted({t for t in TOKENS if re.fullmatch(r"[A-Z][A-Z0-9_]{3,}", t)})


def _exists(path: str) -> bool:
    path = path.rstrip("/")
    return any(f.rstrip("/") == path or f.rstrip("/").endswith("/" + path) for f in FILES)


def _defines(source: str, name: str) -> bool:
    """``def`` / ``class`` / an assignment of ``name``, or its import (a re-export)."""
    pattern = rf"^\s*(def|class)\s+{name}\b|^\s*{name}\s*(:[^=\n]*)?=|^\s*{name},\s*$|^from \S+ import .*\b{name}\b"
    return re.search(pattern, source, re.M) is not None


def _resolve(dotted: str) -> tuple[Path | None, list[str]]:
    """The module file a dotted name points into, and the names left to look up in it."""
    parts = dotted.split(".")
    root = CODE_ROOTS.get(parts[0], CODE_ROOTS[""])
    if parts[0] == "atlsim":
        root, parts = root / "atlsim", parts[1:]
    for cut in range(len(parts), 0, -1):
        base = root.joinpath(*parts[:cut])
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate, parts[cut:]
    return None, parts


def test_the_design_doc_names_things():
    assert len(PATHS) > 50 and len(DOTTED) > 10 and len(CONSTANTS) > 5, (len(PATHS), len(DOTTED), len(CONSTANTS))


@pytest.mark.parametrize("path", PATHS)
def test_named_paths_exist(path):
    assert _exists(path), "docs/DESIGN.md names `%s`, which is no file or directory of the tree" % path


@pytest.mark.parametrize("dotted", DOTTED)
def test_named_code_exists(dotted):
    module, names = _resolve(dotted)
    assert module is not None, "docs/DESIGN.md names `%s`: no such module" % dotted
    if names:
        assert _defines(module.read_text(encoding="utf-8"), names[-1]), "docs/DESIGN.md names `%s`: %s defines no %s" % (
            dotted,
            module.relative_to(ROOT),
            names[-1],
        )


@pytest.mark.parametrize("name", CONSTANTS)
def test_named_constants_exist(name):
    sources = [ROOT / "Makefile"] + sorted((ROOT / "plugins").rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    pattern = re.compile(
        rf"^\s*(export\s+)?{name}\s*(:[^=\n]*)?(\?|:)?=|environ(\.get)?\(\s*[\"']{name}|getenv\(\s*[\"']{name}"
        rf"|\$\{{?{name}\b|^\s*unset .*\b{name}\b",
        re.M,
    )
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in sources if p.is_file()), (
        "docs/DESIGN.md names `%s`, which nothing in the Makefile, plugins/ or tests/ defines or reads" % name
    )
