# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""atlsim: a local simulator of Bitbucket Cloud (REST API 2.0, OAuth client credentials) and of the
Atlassian user provisioning (SCIM 2.0) API, for integration tests, benchmarks and fault tests.

    from atlsim.app import create_app
    from atlsim.server import SimServer

    app = create_app("tests/simulator/seeds/demo.yml")
    with SimServer(app) as server:
        print(server.url)   # http://127.0.0.1:PORT ; API under /2.0, control under /_sim

See tests/simulator/README.md.
"""

from pathlib import Path

__version__ = "1.0.0"

DEMO_SEED = Path(__file__).resolve().parent.parent / "seeds" / "demo.yml"


def create_app(seed, **kwargs):
    """Shortcut for :func:`atlsim.app.create_app` (imported lazily)."""
    from .app import create_app as _create_app  # pylint: disable=import-outside-toplevel

    return _create_app(seed, **kwargs)
