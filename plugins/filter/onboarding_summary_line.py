# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: onboarding_summary_line
short_description: One plain-text summary line for one person of the onboarding role
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - "Renders one entry of C(onboarding_result.people) of the role C(accessops.atlassian.onboarding) as
    C(<email> | <status> | <actions> | errors: <errors>)."
  - Never renders a Python representation (no C({...}), C([...]), C(True) or C(None)); an unknown value is written
    C(unknown).
  - In check mode, a module sentence about what was applied (C(Everything else was applied ...)) is left out.
options:
  _input:
    description: One entry of C(onboarding_result.people).
    type: dict
    required: true
  check_mode:
    description: Whether the run is a check run.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Show the summary
  ansible.builtin.debug:
    msg: "{{ onboarding_result.people | map('accessops.atlassian.onboarding_summary_line', check_mode=ansible_check_mode) | list }}"
"""

RETURN = r"""
_value:
  description: The line.
  type: str
"""

import re

_APPLIED = re.compile(r"\s*Everything else was applied[^.]*\.(\s*fix the cause and run the task again to complete it\.)?", re.I)


def _text(value):
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join("%s: %s" % (_text(k), _text(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    return str(value)


def onboarding_summary_line(person, check_mode=False):
    person = person if isinstance(person, dict) else {}
    actions = [_text(a) for a in person.get("actions") or []]
    errors = [_text(e) for e in person.get("errors") or []]
    if check_mode:
        errors = [_APPLIED.sub("", e).strip() for e in errors]
    parts = [_text(person.get("email")), _text(person.get("status")), "; ".join(actions) or "nothing to do"]
    if errors:
        parts.append("errors: " + "; ".join(errors))
    return " | ".join(parts)


class FilterModule:
    def filters(self):
        return {"onboarding_summary_line": onboarding_summary_line}
