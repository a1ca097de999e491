# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""plugin_utils/_preload.py (the strategy accessops.atlassian.linear): the collection's controller code imported once,
every file of it; what does not import is counted and left to the task."""

from __future__ import annotations

import sys
from pathlib import Path

from ansible_collections.accessops.atlassian.plugins.plugin_utils import _preload

PLUGINS = Path(_preload.__file__).resolve().parents[1]


def files_of(package):
    """The module names of the Python files under plugins/<package> (folders without __init__.py included)."""
    root = PLUGINS / package
    return sorted(
        ".".join([_preload.COLLECTION_PACKAGE, package] + list(path.relative_to(root).with_suffix("").parts))
        for path in root.rglob("*.py")
        if path.name != "__init__.py" and "__pycache__" not in path.parts
    )


def test_every_python_file_of_the_controller_packages_is_imported():
    done = _preload.preload()
    assert done.failed == []
    for package in _preload.PACKAGES:
        expected = files_of(package)
        assert expected, package
        assert set(expected) <= set(done.imported), package
        assert all(name in sys.modules for name in expected)
    # a package's own folders are walked too (module_utils/_bitbucket...)
    assert _preload.COLLECTION_PACKAGE + ".module_utils._bitbucket.client" in done.imported
    assert "requests" in done.imported
    assert done.summary().startswith("%d Python files of ansible_collections.accessops.atlassian" % len(done.imported))


def test_what_does_not_import_is_counted_and_left_to_the_task():
    done = _preload.preload(packages=("no_such_package",), third_party=("no_such_module_of_accessops",))
    assert done.imported == []
    assert [name for name, _why in done.failed] == [
        "no_such_module_of_accessops",
        _preload.COLLECTION_PACKAGE + ".no_such_package",
    ]
    assert "ModuleNotFoundError" in done.failed[0][1]
    assert "not imported (each task imports what it needs): no_such_module_of_accessops (ModuleNotFoundError" in done.summary()
