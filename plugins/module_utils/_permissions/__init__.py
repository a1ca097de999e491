# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Explicit Bitbucket permissions (repository, project): options, safety rules, the engine and its report.

Imports only the core files of module_utils, ``_bitbucket`` and its own files."""
