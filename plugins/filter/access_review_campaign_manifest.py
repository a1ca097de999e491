# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_campaign_manifest
short_description: The SHA-256 manifest of a certification campaign's evidence pack
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - One C(<sha256>  <path>) line per file, paths relative to the evidence directory, sorted by path (the format of
    C(sha256sum), so C(sha256sum -c MANIFEST.sha256) in the directory checks every file). C(MANIFEST.sha256) itself is
    left out.
options:
  _input:
    description: The C(stat) results of the files (C(path), C(checksum) computed with C(checksum_algorithm=sha256)).
    type: list
    elements: dict
    required: true
  base:
    description: The evidence directory.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Write the manifest
  ansible.builtin.copy:
    content: "{{ stats.results | map(attribute='stat') | accessops.atlassian.access_review_campaign_manifest(base=pack) }}"
    dest: "{{ pack }}/MANIFEST.sha256"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The manifest's text, ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.manifest import manifest
from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError


def access_review_campaign_manifest(files, base):
    try:
        return manifest(list(files or []), base)
    except CampaignError as err:
        raise AnsibleFilterError("access_review_campaign_manifest: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"access_review_campaign_manifest": access_review_campaign_manifest}
