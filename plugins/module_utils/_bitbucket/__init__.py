# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bitbucket Cloud: the connection (argument spec, transport), the client, identities and member_info.

Imports only the core files of module_utils and its own files."""
