# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The organization Admin API: the connection, the client (reads and writes), info and ensure logic.

Imports only the core files of module_utils and its own files."""
