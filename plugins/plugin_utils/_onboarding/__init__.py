# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding role's bookkeeping (issue 21): the per-person record and each next task's work, folded from the
results registered so far (``state``). Controller side, pure Python."""
