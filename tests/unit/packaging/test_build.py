# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built collection tarball holds what users need and no dev-only file."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEV_ONLY_PREFIXES = (
    "tests/unit",
    "tests/integration",
    "tests/simulator",
    "tests/eda",
    "tests/requirements.txt",
    "tests/requirements-eda.txt",
    "tests/conftest.py",
    ".ci",
    "Makefile",
    ".venv",
    "docs/DESIGN.md",
    "changelogs/fragments",
    "tests/output",
    "tests/docs",
    "tests/requirements-docs.txt",
    "tests/requirements-importer.txt",
    "tests/galaxy-importer.cfg",
    ".ansible/",
    "ansible_collections/",
)


def _galaxy():
    found = Path(sys.executable).parent / "ansible-galaxy"
    return str(found) if found.exists() else shutil.which("ansible-galaxy")


@pytest.fixture(scope="module")
def members(tmp_path_factory):
    if not _galaxy():
        pytest.skip("ansible-galaxy is not installed")
    out = tmp_path_factory.mktemp("build")
    subprocess.run(
        [_galaxy(), "collection", "build", "--force", "--output-path", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    (tarball,) = out.glob("accessops-atlassian-*.tar.gz")
    with tarfile.open(tarball) as archive:
        return sorted(archive.getnames())


def test_tarball_holds_no_dev_only_files(members):
    leaked = [name for name in members if name.startswith(DEV_ONLY_PREFIXES) or "__pycache__" in name]
    assert leaked == []


def test_tarball_holds_what_users_need(members):
    modules = sorted(p.name for p in (ROOT / "plugins" / "modules").glob("*.py"))
    assert modules, "no modules found"
    for name in [
        "MANIFEST.json",
        "FILES.json",
        "README.md",
        "COPYING",
        "meta/runtime.yml",
        "requirements.txt",
        "CHANGELOG.rst",
        "changelogs/changelog.yaml",
        "docs/docsite/extra-docs.yml",
        "docs/docsite/links.yml",
    ]:
        assert name in members
    for module in modules:
        assert "plugins/modules/%s" % module in members
    utils = sorted((ROOT / "plugins" / "module_utils").glob("**/*.py"))
    assert any(util.parent.name == "_bitbucket" for util in utils), "no module_utils package found"
    for util in utils:
        assert "plugins/%s" % util.relative_to(ROOT / "plugins").as_posix() in members
    # Event-Driven Ansible: the event source and the rulebooks (extensions/eda/)
    eda = sorted((ROOT / "extensions" / "eda").glob("**/*.y*ml")) + sorted((ROOT / "extensions" / "eda").glob("**/*.py"))
    assert any(path.name == "audit_events.py" for path in eda), "no event source found"
    for path in eda:
        if "__pycache__" not in path.parts:
            assert path.relative_to(ROOT).as_posix() in members
