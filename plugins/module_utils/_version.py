# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version of the collection, as sent in the User-Agent header."""

from __future__ import annotations

COLLECTION_VERSION = "0.2.0"
USER_AGENT = "accessops.atlassian/%s (+ansible-collection)" % COLLECTION_VERSION
