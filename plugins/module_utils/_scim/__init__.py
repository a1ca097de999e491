# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Atlassian SCIM (user provisioning): the connection, the client and the bulk users list.

Imports only the core files of module_utils and its own files."""
