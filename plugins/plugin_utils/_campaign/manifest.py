# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The evidence pack's MANIFEST.sha256: one ``<sha256>  <path>`` line per file (the format of ``sha256sum``, so
``sha256sum -c MANIFEST.sha256`` run in the pack's directory checks it), paths relative to the pack, sorted."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError

MANIFEST = "MANIFEST.sha256"
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def manifest(files: Any, base: str) -> str:
    """``files``: ``{"path", "checksum"}`` (ansible.builtin.stat with checksum_algorithm=sha256) under ``base``."""
    if not isinstance(base, str) or not base:
        raise CampaignError("the evidence directory is required")
    base = base.rstrip("/")
    lines = []
    for entry in files if isinstance(files, list) else []:
        path, checksum = (entry or {}).get("path"), (entry or {}).get("checksum")
        if not isinstance(path, str) or not path.startswith(base + "/"):
            raise CampaignError("%r is not a file of the evidence directory %s" % (path, base))
        relative = posixpath.relpath(path, base)
        if relative == MANIFEST:
            continue
        if not isinstance(checksum, str) or not SHA256.match(checksum):
            raise CampaignError("%s has no sha256 checksum (got %r)" % (relative, checksum))
        if "\n" in relative or "\\" in relative:
            raise CampaignError("%r: a file name with a newline or backslash cannot be listed" % relative)
        lines.append("%s  %s" % (checksum, relative))
    if not lines:
        raise CampaignError("the evidence directory %s has no file" % base)
    return "\n".join(sorted(lines, key=lambda line: line[66:])) + "\n"
