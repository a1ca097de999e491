# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the Bitbucket integration tests: playbooks, the simulator's state, call counts, EXAMPLES."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
PLAYBOOKS = HERE / "playbooks"


def playbook(name):
    return (PLAYBOOKS / name).read_text(encoding="utf-8")


def workspace(sim, slug="acme"):
    return sim.state.workspace(slug)


def account_id(sim, email):
    return sim.state.accounts.get_by_email(email)["account_id"]


def explicit(sim, repository, slug="acme"):
    """The explicit user permissions of a repository in the simulator: {account_id: permission}."""
    return dict(workspace(sim, slug).repo(repository).user_perms)


def call_counts(sim):
    """{"total": n, "GET": n, ...} of the requests the simulator answered (as the modules count them)."""
    counts = Counter(entry["method"] for entry in sim.log())
    result = {"total": sum(counts.values())}
    result.update(sorted(counts.items()))
    return result


def report(label, sim):
    """Print a measured call count (shown with pytest -s, and in the captured output of a failure)."""
    counts = call_counts(sim)
    methods = ", ".join("%s %d" % (k, v) for k, v in counts.items() if k != "total")
    print("API calls, %s: %d (%s)" % (label, counts["total"], methods))
    return counts


def module_examples(module_name):
    """The tasks of a module's EXAMPLES, parsed without importing the module."""
    path = REPO_ROOT / "plugins" / "modules" / ("%s.py" % module_name)
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return yaml.safe_load(node.value.value)
    raise AssertionError("%s has no EXAMPLES" % module_name)


def examples_playbook(module_name):
    """A play running a module's EXAMPLES unchanged. Run it with ``examples_env(sim)``: the API URL comes
    from the BITBUCKET_API_URL environment variable, the credentials as the examples write them
    (``bitbucket_api_token`` is an extra var)."""
    play = {
        "name": "EXAMPLES of %s" % module_name,
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": module_examples(module_name),
    }
    return yaml.safe_dump([play], sort_keys=False)


def examples_env(sim):
    return {"BITBUCKET_API_URL": sim.api_url}


def oauth_access_token(sim, client_id="demo-client-id", client_secret="demo-client-secret"):
    """An OAuth access token of the demo consumer (client credentials grant), to pass as ``access_token``;
    the token request is left out of the simulator's log."""
    import requests  # pylint: disable=import-outside-toplevel

    response = requests.post(sim.token_url, data={"grant_type": "client_credentials"}, auth=(client_id, client_secret),
                             timeout=10)
    response.raise_for_status()
    sim.clear_log()
    return response.json()["access_token"]
