# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``spec`` fixture of the Admin API contract tests: Atlassian's Organizations REST API document, read by
:meth:`atlsim.contract.SpecContract.admin`; skipped when the reference documents are absent."""

from __future__ import annotations

import pytest

from admin_contract_kit import REFERENCE
from atlsim.contract import ADMIN_SPEC, SpecContract


@pytest.fixture(scope="module", name="spec")
def fixture_spec():
    if not (REFERENCE / ADMIN_SPEC).is_file():
        pytest.skip(
            f"Admin OpenAPI document not found under {REFERENCE}: the official specs live beside the repository "
            "(../shared/reference) and are absent from a plain clone"
        )
    return SpecContract.admin(REFERENCE)
