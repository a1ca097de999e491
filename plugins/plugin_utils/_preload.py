# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's controller code, imported once in ansible-playbook's main process (the strategy plugin
``accessops.atlassian.linear``).

Each task runs in a worker process that ansible-core forks from the main process for it. Without this, every worker
that uses one of the collection's filters or runs one of its modules in the worker (_in_process.py) imports that
code itself - and ansible-core's collection loader compiles the sources at every import - before its first request:
0.1 to 0.3 seconds per task, most of the time of a one-person runbook outside the API calls. Imported before the first
task, the code is in every worker from the fork, as ansible-core's own is.

What is imported: ``requests`` and every Python file of the collection's ``plugin_utils``, ``module_utils``,
``modules``, ``filter`` and ``action`` packages, under the names ansible-core's plugin loader gives them (so that it finds
them loaded). A file that does not import here (``requests`` missing...) is left out and counted; the task that needs it
imports it then, as without the preload, and reports the error as usual. Nothing is imported twice: a second play
finds everything loaded.
"""

from __future__ import annotations

import importlib
import os
import time
from dataclasses import dataclass, field

COLLECTION_PACKAGE = "ansible_collections.accessops.atlassian.plugins"
PACKAGES = ("plugin_utils", "module_utils", "modules", "filter", "action")
THIRD_PARTY = ("requests",)


@dataclass
class Preloaded:
    """What ``preload`` did: the modules imported, the ones that failed (name and reason) and the seconds it took."""

    imported: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        text = "%d Python files of %s imported in the main process in %.2f s" % (
            len(self.imported),
            COLLECTION_PACKAGE.rsplit(".", 1)[0],
            self.seconds,
        )
        if self.failed:
            text += "; not imported (each task imports what it needs): %s" % ", ".join(
                "%s (%s)" % (name, why) for name, why in self.failed
            )
        return text


def _import(name: str, done: Preloaded) -> object | None:
    try:
        module = importlib.import_module(name)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        done.failed.append((name, "%s: %s" % (type(exc).__name__, exc)))
        return None
    done.imported.append(name)
    return module


def _module_names(package) -> list[str]:
    """The names of the Python files under a package of the collection and its folders, in a stable order (the
    top packages have no __init__.py: ansible-core's collection loader makes them, ``pkgutil`` would not walk them)."""
    names = []
    for root in package.__path__:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
            relative = os.path.relpath(folder, root)
            prefix = ".".join([package.__name__] + ([] if relative == "." else relative.split(os.sep)))
            for file_name in sorted(files):
                if file_name.endswith(".py") and file_name != "__init__.py":
                    names.append("%s.%s" % (prefix, file_name[:-3]))
    return names


def preload(packages: tuple[str, ...] = PACKAGES, third_party: tuple[str, ...] = THIRD_PARTY) -> Preloaded:
    """Import ``third_party`` and every module of the collection's ``packages`` (see the module docstring)."""
    started = time.perf_counter()
    done = Preloaded()
    for name in third_party:
        _import(name, done)
    for package_name in packages:
        package = _import("%s.%s" % (COLLECTION_PACKAGE, package_name), done)
        if package is None:
            continue
        for name in _module_names(package):
            _import(name, done)
    done.seconds = time.perf_counter() - started
    return done
