# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The offboarding role's bookkeeping (issue 21): the plan from the shared reads (``plan``), what each later step did
for each person, the loop items of each step and the result fact (``steps``). Controller side, pure Python."""
