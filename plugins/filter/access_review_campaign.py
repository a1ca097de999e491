# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_campaign
short_description: The certification campaign of an access review - its rows and their reviewers
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Turns the matrix of P(accessops.atlassian.access_review_matrix#filter) into the rows of a certification campaign,
    one per member x target x level x path, each with a stable id (a hash of the workspace, account, target, path and
    group, never of the level), and gives each row its reviewers.
  - "Rows: every explicit repository user permission (C(repository user)) and project user permission
    (C(project user)), every repository cell that comes from a group (C(group); the group named when the review
    identified it, and the organization group of that name the member is in, from O(admin_users)), and one row per
    workspace admin (C(workspace role))."
  - "Reviewers: the admins of a repository (explicit or through a group; workspace admins left out), else the admins of
    its project, else O(fallback); the explicit admins of a project, else O(fallback); workspace rows go to
    O(fallback). Nobody reviews their own rows (they go to the other reviewers, else to O(fallback)). Without a
    fallback, rows without a reviewer go to C((no reviewer))."
  - The worksheets are rendered by P(accessops.atlassian.access_review_worksheet#filter); the filled ones are read back
    by P(accessops.atlassian.access_review_decisions#filter).
options:
  _input:
    description: The access review matrix, or its JSON text.
    type: raw
    required: true
  admin_users:
    description: The RV(accessops.atlassian.atlassian_user_info#module:users) list (their groups name the organization group of a group row).
    type: list
    elements: dict
  fallback:
    description: The reviewer of the rows without an admin (an email or a name).
    type: str
    default: ""
  repository_projects:
    description: The project key of repository slugs, where known (else the project a cell of the matrix names).
    type: dict
  created_at:
    description: When the campaign was made (kept in the document; null for a byte-stable document).
    type: str
"""

EXAMPLES = r"""
- name: Make the campaign
  ansible.builtin.set_fact:
    campaign: "{{ review | accessops.atlassian.access_review_campaign(fallback='security@acme.example') }}"
"""

RETURN = r"""
_value:
  description:
    - C(version), C(id) (sha256 of the workspace and rows), C(workspace), C(created_at), C(fallback), C(reviewers)
      (C(key), C(account_id), C(name), C(email), C(file) the worksheet's name without extension, C(rows)), C(rows)
      (C(id), C(account_id), C(member), C(email), C(target_type), C(target), C(level), C(path), C(group),
      C(org_group), C(revocable), C(reviewers)) and C(summary) (counts).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError, campaign


def access_review_campaign(matrix, admin_users=None, fallback="", repository_projects=None, created_at=None):
    try:
        return campaign(
            matrix,
            admin_users=admin_users,
            fallback=fallback,
            given_projects=repository_projects,
            created_at=created_at or None,
        )
    except CampaignError as err:
        raise AnsibleFilterError("access_review_campaign: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"access_review_campaign": access_review_campaign}
