# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scopes and subjects of explicit permissions (defined with the paths they address in _bitbucket.targets)
and the order of the permission levels."""

from __future__ import annotations

from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.targets import (
    GROUP,
    PROJECT,
    PROJECT_LEVELS,
    REPOSITORY,
    REPOSITORY_LEVELS,
    SUBJECTS,
    USER,
    Scope,
    Subject,
)

__all__ = [
    "GROUP",
    "PROJECT",
    "PROJECT_LEVELS",
    "RANK",
    "REPOSITORY",
    "REPOSITORY_LEVELS",
    "SUBJECTS",
    "Scope",
    "Subject",
    "USER",
]

# Order of the levels (a lowering is a move to a smaller rank); "create-repo" is "write" plus creating repositories.
RANK = {"read": 1, "write": 2, "create-repo": 3, "admin": 4}
