# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What bench_jobs.py needs besides the jobs: the seed changes of the jobs, the environment of a run (credentials in
environment variables only, as AWX injects them), running ansible-playbook, and counting the simulator's log."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tests" / "simulator"))

from atlsim import demo  # noqa: E402  pylint: disable=wrong-import-position

ONBOARD = "bench.onboard@acme.example"
LEAVER = "bench.leaver@acme.example"
LEAVER_PROJECTS = ["LV1", "LV2", "LV3", "LV4", "LV5"]
ONBOARD_PROJECTS = ["INFRA", "PLAT", "WEB"]
RUN_TIMEOUT = 1800  # seconds, per ansible-playbook run


def _account(seed, email, display_name, index):
    account = {
        "account_id": "557058:bench-%04d-0000-4000-8000-000000000000" % index,
        "uuid": "{bench%04d-0000-4000-8000-000000000000}" % index,
        "nickname": display_name.lower().replace(" ", "."),
        "display_name": display_name,
        "email": email,
        "created_on": "2024-01-02T09:00:00+00:00",
    }
    seed["accounts"].append(account)
    return account


def dev(index):
    return "dev%03d@acme.example" % index


def prepare_seed(seed, grant_repositories=200):
    """Change the generated seed in place for the jobs; returns the names the jobs use."""
    acme = seed["workspaces"][0]
    repos = [r["slug"] for r in acme["repositories"]]
    # job 1: a plain member with no access anywhere (no group, no explicit permission)
    _account(seed, ONBOARD, "Bench Onboard", 1)
    acme["members"].append(ONBOARD)
    # job 2: a member with explicit write on `grant_repositories` repositories and explicit read on five projects that
    # hold no repository (so that the effective permissions are exactly the explicit repository ones)
    _account(seed, LEAVER, "Bench Leaver", 2)
    acme["members"].append(LEAVER)
    leaver_repos = repos[-grant_repositories:]
    for repo in acme["repositories"]:
        if repo["slug"] in leaver_repos:
            repo["user_permissions"][LEAVER] = "write"
    for key in LEAVER_PROJECTS:
        acme["projects"].append(
            {
                "key": key,
                "name": "Leaver %s" % key,
                "uuid": "{bench-project-%s}" % key.lower(),
                "description": "bench project",
                "is_private": True,
                "created_on": "2024-01-02T09:00:00+00:00",
                "user_permissions": {LEAVER: "read"},
                "group_permissions": {},
            }
        )
    devs = len([m for m in acme["members"] if isinstance(m, str) and m.startswith("dev")])
    # job 3: 20 repositories (after the onboarding ones), exactly these 100 users (read / write in turn)
    exclusive_repos = repos[60:80]
    exclusive_users = [{"user": dev(i), "permission": "write" if i % 2 else "read"} for i in range(101, min(201, devs + 1))]
    # job 5: 100 SCIM users; the first half already in the directory with another title
    scim_people = [dev(i) for i in range(max(devs - 150, 3), max(devs - 50, 4))]
    by_email = {a["email"]: a for a in seed["accounts"]}
    directory = seed["scim"]["directories"][0]
    for email in scim_people[: len(scim_people) // 2]:
        given, family = by_email[email]["display_name"].split(" ", 1)
        directory["users"].append(
            {
                "userName": email,
                "externalId": "bench-" + email.split("@")[0],
                "active": True,
                "displayName": by_email[email]["display_name"],
                "title": "Engineer",
                "name": {"givenName": given, "familyName": family},
                "emails": [{"value": email, "type": "work", "primary": True}],
            }
        )
    scim_users = []
    for email in scim_people:
        given, family = by_email[email]["display_name"].split(" ", 1)
        scim_users.append(
            {
                "user_name": email,
                "email": email,
                "given_name": given,
                "family_name": family,
                "display_name": by_email[email]["display_name"],
                "title": "Senior Engineer",
                "external_id": "bench-" + email.split("@")[0],
            }
        )
    return {
        "onboard_repos": repos[:50],
        "leaver_repos": leaver_repos,
        "exclusive_repos": exclusive_repos,
        "exclusive_users": exclusive_users,
        "scim_users": scim_users,
        "scim_existing": len(scim_people) // 2,
    }


def environment(url, scim=True, admin=True):
    """The modules' environment variables for the demo seed's admin credentials."""
    # the simulated workspace allows 1,000,000 requests an hour (configure_faults), so the modules' request budget is
    # set to match; with Bitbucket's 1,000 the exclusive job (about 2,000 requests) would pace for an hour
    env = {
        "BITBUCKET_API_URL": url + "/2.0",
        "BITBUCKET_USERNAME": demo.ADMIN[0],
        "BITBUCKET_API_TOKEN": demo.ADMIN[1],
        "BITBUCKET_REQUESTS_PER_HOUR": "1000000",
    }
    if admin:
        env.update(ATLASSIAN_ADMIN_URL=url, ATLASSIAN_ORG_ID=demo.ORG_ID, ATLASSIAN_ADMIN_API_KEY=demo.ADMIN_API_KEY)
    if scim:
        env.update(
            ATLASSIAN_SCIM_URL=url, ATLASSIAN_SCIM_DIRECTORY_ID=demo.SCIM_DIRECTORY, ATLASSIAN_SCIM_TOKEN=demo.SCIM_API_KEY
        )
    return env


def baseline_vars(url):
    """The extra variables of the uri baselines (a user would keep the secrets in a vault)."""
    return {
        "bb_api": url + "/2.0",
        "bb_user": demo.ADMIN[0],
        "bb_token": demo.ADMIN[1],
        "workspace": "acme",
        "admin_api": url + "/admin",
        "org_id": demo.ORG_ID,
        "admin_key": demo.ADMIN_API_KEY,
        "admin_directory": demo.ADMIN_DIRECTORY_ID,
        "workspace_group": demo.ADMIN_GROUP_USERS[0],
        "scim_api": "%s/scim/directory/%s" % (url, demo.SCIM_DIRECTORY),
        "scim_token": demo.SCIM_API_KEY,
    }


def collections_path(tmp):
    parts = ROOT.parts
    if parts[-3:] == ("ansible_collections", "accessops", "atlassian"):
        return str(ROOT.parents[2])
    link = Path(tmp) / "ansible_collections" / "accessops"
    if not (link / "atlassian").exists():
        link.mkdir(parents=True, exist_ok=True)
        (link / "atlassian").symlink_to(ROOT, target_is_directory=True)
    return tmp


class RunFailed(Exception):
    """An ansible-playbook run that failed (its output tail is already on stderr)."""


class Runner:
    """Runs ansible-playbook with a playbook text or file and extra variables (as a JSON file)."""

    def __init__(self, tmp):
        self.tmp = Path(tmp)
        self.coll_path = collections_path(tmp)
        self.count = 0

    def run(self, playbook, extra, env=None, check=False, label="run"):
        """(seconds, play recap changed count); exits non-zero with the output tail when the run fails."""
        self.count += 1
        if isinstance(playbook, str):
            path = self.tmp / ("play-%d.yml" % self.count)
            path.write_text(playbook)
        else:
            path = playbook
        extra_file = self.tmp / ("extra-%d.json" % self.count)
        extra_file.write_text(json.dumps(extra))
        full_env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=self.coll_path,
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_LOCAL_TEMP=str(self.tmp / "ansible-tmp"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_HOST_KEY_CHECKING="False",
            ANSIBLE_RETRY_FILES_ENABLED="False",
            ANSIBLE_DEPRECATION_WARNINGS="False",
            ANSIBLE_LOCALHOST_WARNING="False",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        )
        for name in [k for k in full_env if k.startswith(("BITBUCKET_", "ATLASSIAN_"))]:
            del full_env[name]
        full_env.update(env or {})
        command = [
            str(Path(sys.executable).parent / "ansible-playbook"),
            "-i",
            "localhost,",
            "-c",
            "local",
            str(path),
            "-e",
            "@" + str(extra_file),
        ]
        if check:
            command.append("--check")
        started = time.perf_counter()
        proc = subprocess.run(
            command, capture_output=True, text=True, env=full_env, timeout=RUN_TIMEOUT, check=False, cwd=str(self.tmp)
        )
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            tail = (label, proc.returncode, proc.stdout[-4000:], proc.stderr[-2000:])
            sys.stderr.write("%s failed (rc %d):\n%s\n%s\n" % tail)
            raise RunFailed("%s failed (rc %d)" % (label, proc.returncode))
        found = re.search(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)", proc.stdout)
        return elapsed, int(found.group(1)) if found else None


def by_method(entries):
    """{method: count} of the simulator's request log, Admin API searches (POST .../search, POST .../workspaces)
    counted as POST like any other."""
    return dict(sorted(Counter(e["method"] for e in entries).items()))


def api_part(entry):
    path = entry["path"]
    if path.startswith("/scim/"):
        return "scim"
    if path.startswith("/admin/"):
        return "admin"
    return "bitbucket"


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def doc_default(path, option, fragment=True):
    """The default of an option: from a doc fragment's DOCUMENTATION, or a role's defaults/main.yml."""
    text = Path(ROOT, path).read_text()
    if fragment:
        found = re.search(r'DOCUMENTATION = r"""(.*?)"""', text, re.S)
        return yaml.safe_load(found.group(1))["options"][option]["default"]
    return yaml.safe_load(text)[option]


def git_commit():
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, timeout=30
        )
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
