# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: access_review_worksheet
short_description: One reviewer's worksheet of a certification campaign, in CSV or HTML
version_added: "0.3.0"
author:
  - accessops maintainers (@accessops)
description:
  - C(csv) is the worksheet the reviewer fills and returns, one row per access with the columns C(row_id), C(campaign),
    C(reviewer), C(member), C(email), C(account_id), C(target_type), C(target), C(level), C(path), C(group),
    C(decision) (empty, to be filled with C(keep) or C(revoke)) and C(comment). Values a spreadsheet would run as a
    formula get a leading single quote.
  - C(html) is a printable copy (one self-contained page, headers repeated on every printed page).
options:
  _input:
    description: The campaign of P(accessops.atlassian.access_review_campaign#filter), or its JSON text.
    type: raw
    required: true
  reviewer:
    description: The reviewer's C(key) or C(file) in the campaign's C(reviewers).
    type: str
    required: true
  format:
    description: The output format.
    type: str
    choices: [csv, html]
    default: csv
  title:
    description: The title of the HTML page (default C(Access certification of <workspace>)).
    type: str
"""

EXAMPLES = r"""
- name: Write a reviewer's worksheet
  ansible.builtin.copy:
    content: "{{ campaign | accessops.atlassian.access_review_worksheet(reviewer.key, 'csv') }}"
    dest: "/srv/campaign/{{ reviewer.file }}.csv"
    mode: "0600"
  loop: "{{ campaign.reviewers }}"
  loop_control:
    loop_var: reviewer
"""

RETURN = r"""
_value:
  description: The worksheet's text, ending with a newline.
  type: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.rows import CampaignError
from ansible_collections.accessops.atlassian.plugins.plugin_utils._campaign.worksheet import render_csv, render_html


def access_review_worksheet(doc, reviewer, format="csv", title=None):
    try:
        if format == "csv":
            return render_csv(doc, reviewer)
        if format == "html":
            return render_html(doc, reviewer, title=title)
    except CampaignError as err:
        raise AnsibleFilterError("access_review_worksheet: %s" % err) from None
    raise AnsibleFilterError("access_review_worksheet: format must be csv or html, got %r" % (format,))


class FilterModule:
    def filters(self):
        return {"access_review_worksheet": access_review_worksheet}
