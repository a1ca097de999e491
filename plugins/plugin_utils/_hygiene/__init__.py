# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credential hygiene of the automation itself (issue 23): when the keys a runbook uses expire, from the API where it
says so and from declared dates otherwise (``credentials``). Controller side, pure Python."""
