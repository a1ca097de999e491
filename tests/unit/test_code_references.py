# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A docstring or comment of the plugins that names code names code that exists (docs/DESIGN.md has its own test,
``test_design_doc.py``, whose resolver this one shares).

Checked, inside double backticks (anything else there is prose: option values, JSON keys, schema names):

* a module_utils path (``_permissions.scopes.Scope``, ``_accounting``, ``_scim.client.ensure_user()``): the module
  exists and defines the last name; a single private name that is no module (``_org``) is an attribute or method
  defined in the folder of the file that names it;
* a class attribute (``WorkerPool.stop``, ``Plan.after()``): a class of that name in the plugins whose file defines it;
* a call (``run_module()``, ``fast()``): a function, class or parameter of that name in the plugins.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ansible_collections.accessops.atlassian.tests.unit.test_design_doc import ROOT, _defines, _resolve

SOURCES = {path: path.read_text(encoding="utf-8") for path in sorted((ROOT / "plugins").rglob("*.py"))}
ALL = "\n".join(SOURCES.values())
REFERENCES = sorted(
    {
        (str(path.relative_to(ROOT)), token)
        for path, source in SOURCES.items()
        for token in re.findall(r"``([^`\n]+)``", source)
        if re.fullmatch(r"(_[a-z_]+(\.[A-Za-z_]\w*)*|[A-Z][a-z]\w*\.[A-Za-z_]\w*|[A-Za-z_]\w*\(\))(\(\))?", token)
    }
)


def _attribute_of(source: str, name: str) -> bool:
    return _defines(source, name) or re.search(rf"self\.{name}\s*(:[^=\n]*)?=", source) is not None


def _resolves(path: Path, token: str) -> bool:
    name = token.removesuffix("()")
    if name.startswith("_"):
        module, names = _resolve(name)
        if module is not None:
            return not names or _attribute_of(module.read_text(encoding="utf-8"), names[-1])
        return "." not in name and any(_attribute_of(SOURCES[p], name) for p in SOURCES if p.parent == path.parent)
    if "." in name:
        cls, attr = name.split(".")
        return any(re.search(rf"^class {cls}\b", source, re.M) and _attribute_of(source, attr) for source in SOURCES.values())
    parameter = rf"^\s*def \w+\([^)]*\b{name}\b|^\s+{name}(:[^,=]*)?[,=)]"
    return re.search(rf"^\s*(def|class)\s+{name}\b|^\s*{name}\s*=|{parameter}", ALL, re.M) is not None


def test_the_plugins_name_code():
    assert len(REFERENCES) > 40, len(REFERENCES)


@pytest.mark.parametrize("path, token", REFERENCES)
def test_named_code_exists(path, token):
    assert _resolves(ROOT / path, token), "%s names ``%s``, which is no code of the plugins" % (path, token)
