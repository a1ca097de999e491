# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make ee-check`: what an execution environment build would see of the collection.

Usage: check_ee.py ANSIBLE_BUILDER COLLECTIONS_DIR SOURCE_DIR EE_DEFINITION CONTEXT_DIR

1. COLLECTIONS_DIR holds the collection *installed from the built tarball* (so build_ignore is applied): its
   meta/execution-environment.yml must point at files that are in it;
2. ``ansible-builder introspect COLLECTIONS_DIR`` must report exactly the requirement lines of the source tree's
   requirements.txt and bindep.txt, each attributed to accessops.atlassian, and nothing else (nor nothing);
3. ``ansible-builder create`` with the example definition must succeed and write a build context that installs the
   collection from the example's galaxy requirements.
Exits non-zero with a message naming what differs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import yaml

COLLECTION = "accessops.atlassian"
SUFFIX = "  # from collection " + COLLECTION


def requirement_lines(path):
    """The non-empty, non-comment lines of a pip or bindep requirements file, stripped."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.split(" #", 1)[0].strip() for line in handle]
    return sorted(line for line in lines if line and not line.startswith("#"))


def check_metadata(collections_dir, source_dir):
    installed = os.path.join(collections_dir, "ansible_collections", "accessops", "atlassian")
    meta_path = os.path.join(installed, "meta", "execution-environment.yml")
    if not os.path.isfile(meta_path):
        return ["meta/execution-environment.yml is not in the built collection (build_ignore?)"]
    with open(meta_path, encoding="utf-8") as handle:
        meta = yaml.safe_load(handle)
    errors = []
    if meta.get("version") != 1:
        errors.append("meta/execution-environment.yml: version must be 1, not %r" % meta.get("version"))
    dependencies = meta.get("dependencies") or {}
    for kind, expected in (("python", "requirements.txt"), ("system", "bindep.txt")):
        name = dependencies.get(kind)
        if name != expected:
            errors.append("meta/execution-environment.yml: dependencies.%s is %r, expected %r" % (kind, name, expected))
            continue
        shipped = os.path.join(installed, name)
        if not os.path.isfile(shipped):
            errors.append("%s is not in the built collection (build_ignore excludes it?)" % name)
        elif requirement_lines(shipped) != requirement_lines(os.path.join(source_dir, name)):
            errors.append("%s of the built collection differs from the source tree's" % name)
    return errors


def check_introspect(builder, collections_dir, source_dir):
    proc = subprocess.run([builder, "introspect", collections_dir], capture_output=True, text=True, check=False, timeout=300)
    if proc.returncode != 0:
        return ["ansible-builder introspect failed (rc %d): %s" % (proc.returncode, proc.stderr.strip())]
    print(proc.stdout.strip())
    try:
        found = yaml.safe_load(proc.stdout) or {}
    except yaml.YAMLError as err:
        return ["cannot parse the output of ansible-builder introspect: %s" % err]
    errors = []
    for kind, name in (("python", "requirements.txt"), ("system", "bindep.txt")):
        expected = requirement_lines(os.path.join(source_dir, name))
        if not expected:
            errors.append("%s lists no requirement: nothing to check" % name)
        reported = found.get(kind) or []
        others = [line for line in reported if not line.endswith(SUFFIX)]
        if others:
            errors.append("introspect found %s requirements not from %s: %r" % (kind, COLLECTION, others))
        ours = sorted(line[: -len(SUFFIX)].strip() for line in reported if line.endswith(SUFFIX))
        if ours != expected:
            errors.append("introspect found %s requirements %r, expected exactly %r (%s)" % (kind, ours, expected, name))
    unknown = sorted(set(found) - {"python", "system"})
    if unknown:
        errors.append("introspect reported unexpected sections %r" % unknown)
    return errors


def check_create(builder, definition, context):
    proc = subprocess.run(
        [builder, "create", "-f", definition, "-c", context, "--output-filename", "Containerfile"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if proc.returncode != 0:
        return ["ansible-builder create failed (rc %d): %s %s" % (proc.returncode, proc.stdout, proc.stderr)]
    errors = []
    containerfile = os.path.join(context, "Containerfile")
    if not os.path.isfile(containerfile):
        return ["ansible-builder create wrote no Containerfile in %s" % context]
    with open(containerfile, encoding="utf-8") as handle:
        text = handle.read()
    for needle in ("ansible-galaxy collection install", "introspect", "ansible-core", "ansible-runner"):
        if needle not in text:
            errors.append("the Containerfile has no %r" % needle)
    copied = os.path.join(context, "_build", "requirements.yml")
    if not os.path.isfile(copied):
        errors.append("the build context has no _build/requirements.yml")
    else:
        with open(copied, encoding="utf-8") as handle:
            names = [c.get("name") if isinstance(c, dict) else c for c in (yaml.safe_load(handle) or {}).get("collections", [])]
        if COLLECTION not in names:
            errors.append("the example galaxy requirements do not install %s: %r" % (COLLECTION, names))
    return errors


def main(argv):
    if len(argv) != 6:
        print(__doc__)
        return 2
    builder, collections_dir, source_dir, definition, context = argv[1:]
    errors = check_metadata(collections_dir, source_dir)
    errors += check_introspect(builder, collections_dir, source_dir)
    errors += check_create(builder, definition, context)
    for error in errors:
        print("ee-check: " + error, file=sys.stderr)
    if not errors:
        print(
            "ee-check: introspect finds exactly requirements.txt and bindep.txt of %s; ansible-builder create "
            "wrote %s" % (COLLECTION, os.path.join(context, "Containerfile"))
        )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
