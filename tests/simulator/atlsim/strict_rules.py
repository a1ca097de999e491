# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The records of strict mode (:mod:`atlsim.strict`): what the documents state for one operation (:class:`Rules`) and
why a request is refused (:class:`Refusal`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """Why the gate refuses a request: ``message`` short (names the parameter or field), ``detail`` what is stated."""

    api: str
    message: str
    detail: str
    scim_type: str | None = None


@dataclass(frozen=True)
class Rules:
    """What the documents state for one operation (see :func:`rules`)."""

    api: str
    method: str
    template: str
    query: frozenset
    q_item: str | None = None  # item schema the BBQL fields are looked up in
    q_examples: Mapping | None = None  # field -> operators named in the description's examples
    q_operators: Mapping | None = None  # description-only filters: field -> allowed operators
    sort: bool = False
    scim_filter: tuple | None = None  # (attributes, operators in lower case)
    resource: str | None = None  # SCIM: User | Group
    overlays: tuple = ()

    @property
    def where(self) -> str:
        """``METHOD /path/template`` as the simulator serves it."""
        return "%s %s%s" % (self.method, {"bitbucket": "/2.0", "admin": "/admin"}.get(self.api, ""), self.template)
