# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ee-test`: the collection's EE definition with a local Debian base and the collection from its tarball.

Usage: ee_definition.py SOURCE_DEFINITION BASE_IMAGE TARBALL TAG OUT_DIR

Writes OUT_DIR/execution-environment.yml and OUT_DIR/requirements.yml. Only what a local base needs changes:
the base image, the Python of the base (a venv: Debian's system Python refuses pip), the package manager (apt-get)
and where the collection comes from (the built tarball, copied into the build context); ansible-core,
ansible-runner and the collection's own requirements stay those of the shipped definition.
"""

from __future__ import annotations

import os
import shutil
import sys

import yaml

VENV_PYTHON = "/opt/ee-python/bin/python3"


def main(source, base_image, tarball, tag, out_dir):
    with open(source, encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    definition["images"]["base_image"]["name"] = base_image
    deps = definition["dependencies"]
    deps["python_interpreter"] = {"python_path": VENV_PYTHON}
    deps["galaxy"] = "requirements.yml"
    definition["options"]["package_manager_path"] = "/usr/bin/apt-get"
    definition["options"]["tags"] = [tag]
    definition.setdefault("build_arg_defaults", {})["PKGMGR_PRESERVE_CACHE"] = "always"
    name = os.path.basename(tarball)
    definition["additional_build_files"] = [{"src": os.path.abspath(tarball), "dest": "collection"}]
    steps = definition.setdefault("additional_build_steps", {})
    # the galaxy stage installs from /build (its WORKDIR): the tarball goes beside requirements.yml
    steps["prepend_galaxy"] = ["COPY _build/collection/%s /build/%s" % (name, name)]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "execution-environment.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(definition, handle, sort_keys=False)
    with open(os.path.join(out_dir, "requirements.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump({"collections": [{"name": "./" + name, "type": "file"}]}, handle, sort_keys=False)
    shutil.copy(tarball, os.path.join(out_dir, name))


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
