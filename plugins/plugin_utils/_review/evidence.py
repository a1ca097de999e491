# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When and by whom an access review was made: ``generated_at`` (UTC) and ``run_by`` (the identities used, the same
keys as a plan's ``created_by``: ``bitbucket`` account id, ``admin`` organization id, ``scim`` directory id, plus
``bitbucket_name``), both absent from a review made with ``access_review_timestamp: false``."""

from __future__ import annotations

from typing import Any

RUN_BY_KEYS = ("bitbucket", "bitbucket_name", "admin", "scim")


def run_by(value: Any) -> dict | None:
    """``value`` reduced to :data:`RUN_BY_KEYS` (None when not given)."""
    if not isinstance(value, dict):
        return None
    return {key: (value.get(key) or None) for key in RUN_BY_KEYS}


def run_by_text(value: Any) -> str:
    """``Bitbucket account Adam Admin (557058:...), organization 0475..., SCIM directory demo-directory``."""
    who = run_by(value) or {}
    if who.get("bitbucket"):
        name = who.get("bitbucket_name")
        parts = ["Bitbucket account %s (%s)" % (name, who["bitbucket"]) if name else "Bitbucket account %s" % who["bitbucket"]]
    else:
        parts = ["Bitbucket credentials that are not a user account (no account id)"]
    if who.get("admin"):
        parts.append("organization %s (Admin API)" % who["admin"])
    if who.get("scim"):
        parts.append("SCIM directory %s" % who["scim"])
    return ", ".join(parts)


def evidence_line(matrix: dict) -> str | None:
    """``Generated at <UTC> by <run_by_text>``; None when the review has no timestamp."""
    if not matrix.get("generated_at"):
        return None
    line = "Generated at %s" % matrix["generated_at"]
    if matrix.get("run_by") is not None:
        line += " by " + run_by_text(matrix["run_by"])
    return line
