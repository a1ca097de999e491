# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Plans (issue 21): the plan document (``document``), its texts (``render``), items from module journals
(``journal``) and their application (``apply``). Controller side, pure Python: no Ansible runtime needed."""
