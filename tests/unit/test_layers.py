# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One direction of dependencies in module_utils: core <- product packages <- domain (_permissions) <- modules.

* core (the flat ``module_utils/_*.py`` files, ``_module.py`` included) imports only core;
* a product package (``_bitbucket``, ``_scim``, ``_admin``) imports core and itself;
* ``_permissions`` imports core, ``_bitbucket`` and itself;
* modules import anything.

Every import counts, those inside functions included. The payload of each module (the module_utils files its
AnsiballZ zip ships, from ansible-core's recursive_finder: tests/unit/payload.py) is printed, and the products a
module does not use must not be in it.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UTILS = ROOT / "plugins" / "module_utils"
PACKAGE = "ansible_collections.accessops.atlassian.plugins.module_utils"
PRODUCTS = ("_bitbucket", "_scim", "_admin")
ALLOWED = {
    "core": {"core"},
    "_bitbucket": {"core", "_bitbucket"},
    "_scim": {"core", "_scim"},
    "_admin": {"core", "_admin"},
    "_permissions": {"core", "_bitbucket", "_permissions"},
}


def layer_of_file(path):
    """``core`` for a flat module_utils file, else its package (``_bitbucket``...)."""
    parts = path.relative_to(UTILS).parts
    return "core" if len(parts) == 1 else parts[0]


def layer_of_import(module, names):
    """The layer an import of module_utils reaches (None: not module_utils). ``from module_utils import _x`` and
    ``from module_utils._pkg import y`` both name the first segment after module_utils."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return []
    rest = module[len(PACKAGE) + 1 :].split(".") if module != PACKAGE else []
    firsts = [rest[0]] if rest else list(names)
    return ["core" if (UTILS / (first + ".py")).is_file() else first for first in firsts]


def imports_of(path):
    """(line, dotted module, imported names) of every ``import`` / ``from`` in ``path``."""
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.lineno, node.module, [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []


def violations():
    found = []
    for path in sorted(UTILS.rglob("*.py")):
        if path == UTILS / "__init__.py":
            continue
        layer = layer_of_file(path)
        for line, module, names in imports_of(path):
            for reached in layer_of_import(module, names):
                if reached not in ALLOWED.get(layer, ()):
                    found.append(
                        "%s:%d imports %s (%s) but the %s layer may import only %s"
                        % (
                            path.relative_to(ROOT),
                            line,
                            module,
                            ", ".join(names),
                            layer,
                            ", ".join(sorted(ALLOWED.get(layer, ()))),
                        )
                    )
    return found


def test_every_package_is_known():
    packages = sorted(p.name for p in UTILS.iterdir() if p.is_dir() and p.name != "__pycache__")
    assert packages == sorted(set(ALLOWED) - {"core"})
    for name in packages:
        assert (UTILS / name / "__init__.py").is_file(), name


def test_imports_point_one_way():
    found = violations()
    assert not found, "imports against the direction core <- products <- _permissions <- modules:\n" + "\n".join(found)


def test_the_module_shell_imports_no_product():
    for line, module, names in imports_of(UTILS / "_module.py"):
        assert set(layer_of_import(module, names)) <= {"core"}, "_module.py:%d imports %s" % (line, module)


def test_the_check_names_a_wrong_import(tmp_path, monkeypatch):
    """The check itself: a client importing the permission domain, and core importing a product, are named."""
    fake = tmp_path / "module_utils"
    (fake / "_bitbucket").mkdir(parents=True)
    (fake / "_transport.py").write_text("from %s._scim.client import ScimClient\n" % PACKAGE)
    (fake / "_bitbucket" / "client.py").write_text("def f():\n    from %s._permissions.scopes import RANK\n" % PACKAGE)
    (fake / "_bitbucket" / "ok.py").write_text("from %s import _errors\nfrom %s._bitbucket import client\n" % (PACKAGE, PACKAGE))
    (fake / "_errors.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "UTILS", fake)
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    found = violations()
    assert len(found) == 2
    assert found[0].startswith("module_utils/_bitbucket/client.py:2 imports %s._permissions.scopes (RANK)" % PACKAGE)
    assert found[1].startswith("module_utils/_transport.py:1 imports %s._scim.client" % PACKAGE)


def payloads():
    """{module: [module_utils files of its payload]} from tests/unit/payload.py, in a subprocess."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT.parents[2]), env.get("PYTHONPATH")] if p)
    done = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("payload.py")), "--json"],
        cwd=str(ROOT),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# The products (module_utils packages) each module family may ship; the rest must stay out of its payload.
SHIPS = {
    "atlassian_scim_": {"_scim"},
    "atlassian_": {"_admin"},
    "bitbucket_member_info": {"_bitbucket"},
    "bitbucket_permission_info": {"_bitbucket"},
    "bitbucket_": {"_bitbucket", "_permissions"},
    "plan_apply": set(),  # the documentation of an action plugin: its main() only fails
    "run_ledger": set(),
    "report_files": set(),
}
ACTION_ONLY = {
    "plan_apply",
    "run_ledger",
    "report_files",
}  # modules whose work an action plugin does (no run_module: no _module.py)


@pytest.mark.skipif(ROOT.parents[1].name != "ansible_collections", reason="needs the built tree (make units)")
def test_payloads_ship_only_their_products():
    result = payloads()
    assert sorted(result) == sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py"))
    print("\nmodule_utils files in each module's AnsiballZ payload:")
    for name, files in sorted(result.items()):
        print("  %-30s %2d  %s" % (name, len(files), " ".join(files)))
    for name, files in result.items():
        allowed = next(ships for prefix, ships in SHIPS.items() if name.startswith(prefix))
        shipped = {f.split("/")[0] for f in files if "/" in f}
        assert shipped <= allowed, "%s ships %s" % (name, ", ".join(sorted(shipped - allowed)))
        assert "_module.py" in files or name in ACTION_ONLY
