# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures the simulator's test modules share."""

from __future__ import annotations

import pytest

from atlsim.pytest_plugin import LoopbackClient


@pytest.fixture(name="client")
def fixture_client(app):
    """A loopback client of the test module's own ``app`` fixture (a module may define its own ``client``)."""
    return LoopbackClient(app)
