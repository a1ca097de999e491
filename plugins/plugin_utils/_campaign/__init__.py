# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The access review's certification campaign: the rows of the review matrix (member x target x level x path, each
with a stable id) and who reviews them (``rows``), the worksheets of each reviewer in CSV and HTML (``worksheet``),
the filled worksheets read back into a revoke plan's items, stale rows and errors naming file:line (``decisions``)
and the evidence pack's SHA-256 manifest (``manifest``). Controller side, pure Python: no request, no clock, no file
(the role reads the files and passes the time)."""
