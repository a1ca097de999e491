# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: workspace_access_report
short_description: Render the drift of a declared workspace access file as a Markdown or HTML report
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - Renders the result of P(accessops.atlassian.workspace_access_plan#filter) for a reviewer, in the style of the
    access review (P(accessops.atlassian.access_review_render#filter)).
  - A header (workspace, plan id, the time given, the counts - items by action, removals not made, grants expiring
    soon, refusals, errors); then one section per target with drift (an item, a removal not made, a grant expiring
    soon) - repositories, then projects, then organization groups - with one row per drifting subject - the subject
    (name, email, account id or group slug), what the file declares (level or membership, expiry, ticket, line), what
    is so today, and the change (C(action before -> after)) with its reason, or C(not made) with why; then the count
    of the declared targets in step (not listed), the grants expiring soon, the removals not made, the refusals of the
    guardrails and the errors.
  - C(markdown) escapes Markdown and HTML characters and folds newlines in every value. C(html) is one static page -
    no JavaScript, no external asset, inline CSS with print styles (table headers repeated on each page) - and every
    value is HTML-escaped.
  - Pure and deterministic - the same input gives the same text (no clock; O(generated_at) is given).
options:
  _input:
    description: The drift (P(accessops.atlassian.workspace_access_plan#filter)).
    type: dict
    required: true
  declared:
    description: The normalized declared file (P(accessops.atlassian.workspace_access_declared#filter)).
    type: dict
    required: true
  actual:
    description: Today's access (P(accessops.atlassian.workspace_access_actual#filter)), as given to the plan.
    type: dict
    required: true
  people:
    description: The accounts (P(accessops.atlassian.workspace_access_people#filter)), as given to the plan.
    type: list
    elements: dict
    required: true
  format:
    description: The output format.
    type: str
    choices: [markdown, html]
    default: markdown
  workspace:
    description: The workspace named in the title (default - that of O(actual), else of O(declared)).
    type: str
  plan_id:
    description: The id of the plan the report goes with, shown in the header.
    type: str
  generated_at:
    description: When the report was made, shown as given (a UTC time); left out when not given.
    type: str
"""

EXAMPLES = r"""
- name: Write the drift report beside the plan
  ansible.builtin.copy:
    content: >-
      {{ workspace_access__drift | accessops.atlassian.workspace_access_report(
           workspace_access__declared, workspace_access__actual, workspace_access__people, format='html',
           workspace='acme', plan_id=plan_document.id, generated_at=now(utc=true).strftime('%Y-%m-%dT%H:%M:%SZ')) }}
    dest: "{{ report_dir }}/workspace_access-drift-{{ plan_document.id }}.html"
    mode: "0600"
"""

RETURN = r"""
_value:
  description: The report text, ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.report import FORMATS, model, render_markdown
from ansible_collections.accessops.atlassian.plugins.plugin_utils._access.report_html import render_html


# pylint: disable-next=redefined-builtin
def workspace_access_report(drift, declared, actual, people, format="markdown", workspace=None, plan_id=None, generated_at=None):
    if format not in FORMATS:
        raise AnsibleFilterError("workspace_access_report: format must be markdown or html, not %r" % (format,))
    try:
        data = model(drift, declared, actual, people, workspace=workspace, plan_id=plan_id, generated_at=generated_at)
    except (TypeError, ValueError, KeyError) as err:
        raise AnsibleFilterError("workspace_access_report: %s" % err) from None
    return render_markdown(data) if format == "markdown" else render_html(data)


class FilterModule:
    def filters(self):
        return {"workspace_access_report": workspace_access_report}
