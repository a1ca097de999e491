# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Workspace access as code: the declared file read with its line numbers (``source``), checked and normalized
(``declared``), the accounts it names (``people``), its drift from today's access as plan items (``drift``), the
guardrails on a plan as a whole (``guardrails``) and today's access written as such a file (``gather``). Controller
side, pure Python: no request, no clock (the role passes the date)."""
