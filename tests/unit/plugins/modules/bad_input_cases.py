# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The bad-input cases of every module, as data (test_bad_input.py runs them, tests/reliability/gen_reliability.py
renders them into docs/reliability.md): ``CASES``, in the order of the files that add them, the Bitbucket modules
(bad_input_cases_bitbucket.py) then the SCIM and organization Admin API modules (bad_input_cases_admin_scim.py). Their
format, the modules' valid base arguments and ``case()`` are in bad_input_format.py.
"""

from __future__ import annotations

from .bad_input_format import CASES, EXPECTATIONS, FAIL, FAIL_NO_WRITES, MODULES, OK, SECRETS

# importing a case file adds its cases to CASES: Bitbucket first, then SCIM and Admin
from . import bad_input_cases_bitbucket  # pylint: disable=unused-import
from . import bad_input_cases_admin_scim  # pylint: disable=unused-import

__all__ = ["CASES", "EXPECTATIONS", "FAIL", "FAIL_NO_WRITES", "MODULES", "OK", "SECRETS", "cases_by_id"]


def cases_by_id():
    return {c["id"]: c for c in CASES}
