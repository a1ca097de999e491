# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module_utils files each module's AnsiballZ payload ships, as ansible-core's own recursive_finder finds them.

Run in the built tree (`make tree`): `python tests/unit/payload.py [--json]` from
$(BUILD)/ansible_collections/accessops/atlassian. tests/unit/test_layers.py runs it in a subprocess (the collection
finder it installs must not leak into the unit tests).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTION = os.path.dirname(os.path.dirname(HERE))
PREFIX = "ansible_collections/accessops/atlassian/plugins/module_utils/"


def modules():
    folder = os.path.join(COLLECTION, "plugins", "modules")
    return sorted(name[:-3] for name in os.listdir(folder) if name.endswith(".py") and name != "__init__.py")


def payload_files(name):
    """module_utils files (relative to plugins/module_utils) the payload of module `name` holds."""
    from ansible.executor.module_common import recursive_finder

    with open(os.path.join(COLLECTION, "plugins", "modules", name + ".py"), "rb") as handle:
        data = handle.read()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        args = [
            name,
            "ansible_collections.accessops.atlassian.plugins.modules." + name,
            data,
            archive,
            datetime.datetime(2020, 1, 1),
        ]
        try:
            from ansible._internal._ansiballz import _builder  # ansible-core >= 2.19 takes an extension manager
        except ImportError:
            pass
        else:
            args.append(_builder.ExtensionManager.create(task_vars={}))
        recursive_finder(*args)
        names = archive.namelist()
    # module_utils/__init__.py itself is a namespace stub ansible writes; it is no file of the collection
    return sorted(n[len(PREFIX) :] for n in names if n.startswith(PREFIX) and n != PREFIX + "__init__.py")


def measure():
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    root = os.path.dirname(os.path.dirname(os.path.dirname(COLLECTION)))  # the directory holding ansible_collections
    _AnsibleCollectionFinder(paths=[root])._install()
    return {name: payload_files(name) for name in modules()}


def main(argv):
    result = measure()
    if "--json" in argv:
        print(json.dumps(result, indent=1, sort_keys=True))
        return
    utils = os.path.join(COLLECTION, "plugins", "module_utils")
    for name, files in result.items():
        lines = 0
        for util in files:
            with open(os.path.join(utils, util)) as handle:
                lines += sum(1 for _line in handle)
        print("%-32s %2d files %5d lines  %s" % (name, len(files), lines, " ".join(files)))


if __name__ == "__main__":
    main(sys.argv[1:])
