# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_report_name
short_description: A unique base name for an offboarding audit report
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Returns C(offboarding-<workspace>-<UTC time to the second>-<8 random hex digits>), with C(-check) in check mode.
  - The random suffix (from a UUID4) keeps two runs started in the same second from writing the same file, so that no
    run's record is lost. Call it once per run (C(set_fact)) - each call gives another name.
options:
  _input:
    description: The workspace slug.
    type: str
    required: true
  check_mode:
    description: Whether the run is a check (adds C(-check)).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Name the report
  ansible.builtin.set_fact:
    report_base: "{{ 'acme' | accessops.atlassian.offboarding_report_name(ansible_check_mode) }}"
"""

RETURN = r"""
_value:
  description: The base name, without extension.
  type: str
"""

import time
import uuid


def offboarding_report_name(workspace, check_mode=False, now=None):
    # time.gmtime: the UTC wall clock on every supported Python (datetime.UTC is 3.11+)
    stamp = now.strftime("%Y%m%dT%H%M%SZ") if now is not None else time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return "offboarding-%s-%s-%s%s" % (
        workspace,
        stamp,
        uuid.uuid4().hex[:8],
        "-check" if check_mode else "",
    )


class FilterModule:
    def filters(self):
        return {"offboarding_report_name": offboarding_report_name}
