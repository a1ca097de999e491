# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-process client of the contract tests: calls the simulator with a path *template* of the spec and
validates every answer with a :class:`atlsim.contract.SpecContract` (tests/simulator/tests/test_contract*.py,
tests/simulator/tests/contract_admin/)."""

from __future__ import annotations

import base64

from werkzeug.test import Client

from . import demo


def _basic(email: str, token: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{token}".encode()).decode()


# who calls: the demo seed's credentials (and a few wrong ones)
AUTH = {
    "admin": _basic(*demo.ADMIN),
    "member": _basic(*demo.MEMBER),
    "repo-admin": _basic(*demo.REPO_ADMIN),
    "project-admin": _basic(*demo.PROJECT_ADMIN),
    "owner": _basic(*demo.OWNER),
    "bad": _basic(demo.ADMIN[0], "not-the-token"),
    "workspace-token": "Bearer " + demo.WORKSPACE_ACCESS_TOKEN,
    "project-token": "Bearer " + demo.PROJECT_ACCESS_TOKEN,
    "repo-token": "Bearer " + demo.REPO_ACCESS_TOKEN,
    "none": None,
}
DEFAULTS = {"workspace": "acme", "repo_slug": "infra-core", "project_key": "PLAT"}


class ContractClient:
    """``client(method, template, expect, as_=..., body=..., query=..., **path_params)``: the answer, after
    asserting its status and validating it against the spec. ``auth`` may be extended (e.g. with OAuth
    Bearer tokens: ``client.auth["oauth"] = "Bearer ..."``)."""

    def __init__(self, spec, app):
        self.spec = spec
        self.app = app
        self.client = Client(app)
        self.auth = dict(AUTH)

    def __call__(self, method, template, expect, as_="admin", body=None, query=None, **params):
        path = "/2.0" + template.format(**{**DEFAULTS, **params})
        headers = {"Authorization": self.auth[as_]} if self.auth[as_] else {}
        answer = self.client.open(
            path, method=method, headers=headers, json=body, query_string=query, environ_overrides={"REMOTE_ADDR": "127.0.0.1"}
        )
        got = answer.get_data(as_text=True)[:500]
        assert answer.status_code == expect, f"{method} {path} as {as_}: {answer.status_code} {got}"
        request = answer.request
        self.spec.check(
            method,
            request.path,
            request.query_string.decode(),
            headers,
            None,
            answer.status_code,
            answer.headers,
            answer.get_data(),
        )
        return answer

    def account(self, email: str) -> str:
        return self.app.state.accounts.get_by_email(email)["account_id"]

    def oauth_token(self, client_id: str = demo.OAUTH_CLIENT[0], secret: str = demo.OAUTH_CLIENT[1]) -> str:
        """A client-credentials token of an OAuth consumer, as a Bearer header value."""
        answer = self.client.post(
            "/site/oauth2/access_token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": _basic(client_id, secret)},
            environ_overrides={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return "Bearer " + answer.get_json()["access_token"]
