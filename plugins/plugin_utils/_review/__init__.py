# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review as audit evidence, controller side, pure Python (the access_review_matrix and
access_review_render filters import it, no module does): the risk flags of a member (``risk``), the groups named in a
"group" cell (``groups``), the "generated at / run by" lines (``evidence``), the CSV formats (``tables``) and the HTML
page (``page``). No request, no clock: the role passes the time."""
