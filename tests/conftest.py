# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the simulator package (tests/simulator/atlsim) importable and load its pytest fixtures
(sim_server, sim, sim_factory, sim_app, sim_client)."""

import os
import sys

_SIMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "simulator")
if _SIMULATOR not in sys.path:
    sys.path.insert(0, _SIMULATOR)

pytest_plugins = ["atlsim.pytest_plugin"]
