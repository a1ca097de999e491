# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_decisions
short_description: Filled certification worksheets as revoke plan items, with stale rows and errors
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Reads the filled CSV worksheets of a campaign (P(accessops.atlassian.access_review_worksheet#filter)) and compares
    each row marked C(revoke) with today's access (the matrix of a new review).
  - A row whose access is gone or whose level changed since the worksheet is stale (reported, not planned). An explicit
    repository or project user permission gives a C(revoke) item of C(repository_permission) / C(project_permission);
    a group row whose organization group is known gives a C(remove) item of C(group_membership) (one per membership;
    the other rows the removal takes away are listed in C(side_effects)); any other row (workspace role, group not
    identified) is not plannable and reported.
  - An unknown row id, a row of another campaign or a decision other than C(keep) / C(revoke) (empty is undecided) is an
    error naming the file and line. A row decided by several reviewers is revoked when any says revoke (C(conflicts)).
  - The items are those of a plan (docs/plans.md), for the plan role's C(plan_given_items).
options:
  _input:
    description: The campaign (P(accessops.atlassian.access_review_campaign#filter)), or its JSON text.
    type: raw
    required: true
  paths:
    description: The worksheets' file names (in the errors and the record).
    type: list
    elements: str
    required: true
  texts:
    description: The worksheets' texts, in the order of O(paths).
    type: list
    elements: str
    required: true
  matrix:
    description: Today's access review matrix (or its JSON text).
    type: raw
    required: true
  admin_users:
    description: Today's RV(accessops.atlassian.atlassian_user_info#module:users) (the organization groups of group rows).
    type: list
    elements: dict
  org:
    description: The organization id (the target of group membership items); null without the Admin API.
    type: str
"""

EXAMPLES = r"""
- name: Read the filled worksheets
  ansible.builtin.set_fact:
    decided: >-
      {{ campaign | accessops.atlassian.access_review_decisions(paths=files,
           texts=query('ansible.builtin.file', *files, rstrip=false), matrix=review, org=org_id) }}
"""

RETURN = r"""
_value:
  description:
    - C(campaign) (its id), C(items) (plan items), C(stale) (C(message), C(row_id), C(found)), C(not_plannable)
      (C(message), C(row_id)), C(errors) (each starting with the file and line), C(conflicts), C(side_effects),
      C(decisions) (one record per row of the campaign - C(row_id), C(member), C(target), C(level), C(path),
      C(decision), C(reviewers), C(where), C(comments), C(status) keep / planned / stale / not plannable / undecided,
      C(item)) and C(summary) (counts).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.decisions import decide
from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError, load, matrix_rows


def access_review_decisions(doc, paths, texts, matrix, admin_users=None, org=None):
    try:
        if not isinstance(paths, list) or not isinstance(texts, list) or len(paths) != len(texts):
            raise CampaignError("paths and texts must be lists of the same length")
        files = [{"path": str(paths[i]), "text": str(texts[i])} for i in range(len(paths))]
        today = load(matrix, "today's access review matrix")
        return decide(doc, files, matrix_rows(today, admin_users), org=org or None, workspace=today.get("workspace"))
    except (CampaignError, ValueError) as err:
        raise AnsibleFilterError("access_review_decisions: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"access_review_decisions": access_review_decisions}
