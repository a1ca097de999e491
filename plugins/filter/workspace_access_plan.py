# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_plan
short_description: The drift of a declared workspace access file from today's access, as plan items
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Compares the declared file (P(accessops.atlassian.workspace_access_declared#filter)) with today's explicit
    repository and project permissions and organization group memberships, and returns the plan items (docs/plans.md)
    that make today's access what the file declares.
  - Additive by default - a permission or membership the file does not name is kept (counted in C(not_made)); in an
    exclusive section (its C(exclusive), else C(defaults.exclusive)) it is revoked or removed. A repository, project
    or group the file does not name is never touched.
  - A grant past its C(expires) date is revoked when it exists; one expiring within O(warn_days) is listed in
    C(expiring). An C(exempt) account is never revoked nor removed.
  - C(errors) (what the file names that does not exist) and C(refused) (the guardrails - C(min_admins),
    C(require_caller_admin), C(max_removals) - on the plan as a whole) must both be empty before anything is written.
  - Pure - no request, no clock (O(today) is given).
options:
  _input:
    description: The normalized declared file (P(accessops.atlassian.workspace_access_declared#filter)).
    type: dict
    required: true
  actual:
    description:
      - Today's access - C(workspace), C(repositories) (C(slug), C(name), C(project), C(users) with C(account_id),
        C(display_name), C(permission), C(groups) with C(slug), C(name), C(permission)), C(projects) (C(key), C(name),
        C(users), C(groups)), C(groups) (null when the Admin API is not configured, else C(id), C(name), C(members)
        with C(account_id), C(email), C(display_name)).
    type: dict
    required: true
  people:
    description: Every account the role resolved - C(account_id), C(email), C(display_name), C(bot), C(owner).
    type: list
    elements: dict
    required: true
  caller:
    description: The account id of the credentials running the role (guardrail C(require_caller_admin)).
    type: str
  org:
    description: The organization id (the target of the group membership items).
    type: str
  today:
    description: The date of the run, C(YYYY-MM-DD).
    type: str
    required: true
  warn_days:
    description: Grants expiring within this many days are listed in C(expiring).
    type: int
    default: 30
"""

EXAMPLES = r"""
- name: Plan the drift
  ansible.builtin.set_fact:
    workspace_access__plan: >-
      {{ workspace_access__declared | accessops.atlassian.workspace_access_plan(
           workspace_access__actual, workspace_access__people, caller=whoami_id, org=org_id,
           today=now(utc=true).strftime('%Y-%m-%d')) }}
"""

RETURN = r"""
_value:
  description:
    - C(items) - the plan items (C(key), C(api), C(kind), C(action), C(target), C(subject), C(before), C(after),
      C(reason)), repositories by slug, then projects by key, then organization groups by name.
    - C(not_made) - C(target), C(count), C(message), C(subjects) - removals not made (a section not exclusive, a
      target not in the file, an exempt account).
    - C(expiring) - C(target), C(subject), C(expires), C(days_left), C(line).
    - C(errors) - sentences naming C(<file>:<line>); C(refused) - one sentence per breached guardrail.
    - C(summary) - C(items), C(by_action), C(not_made), C(expiring), C(errors), C(refused), C(declared) (counts of
      repositories, projects, groups).
  type: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.drift import plan


def workspace_access_plan(declared, actual, people, caller=None, org=None, today=None, warn_days=30):
    try:
        return plan(declared, actual, people, caller=caller, org=org, today=today, warn_days=int(warn_days))
    except (TypeError, ValueError) as err:
        raise AnsibleFilterError("workspace_access_plan: %s" % err) from None


class FilterModule:
    def filters(self):
        return {"workspace_access_plan": workspace_access_plan}
