# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The scenarios of test_misbehaving_server.py, one task each, by kind of misbehaviour: filters ignored, another
user's object, path-traversal ids, writes redirected to another origin, an OAuth token with a line break, and
credentials echoed in error messages around the client's truncation limit; the secrets the run output is searched
for, and the connection options of the tasks."""

from __future__ import annotations

import base64
import math

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app

TOKEN_PATH = "/site/oauth2/access_token"
SCIM_USERS = "/scim/directory/demo-directory/Users"
TRUNCATION = 2000  # the client cuts API messages at this many characters

SECRETS = {
    "api_token": demo.ADMIN[1],
    "client_secret": demo.OAUTH_CLIENT[1],
    "access_token": demo.WORKSPACE_ACCESS_TOKEN,
    "scim_token": demo.SCIM_API_KEY,
    "wrong_api_token": "wrong-api-token-0123456789",
    "wrong_client_secret": "wrong-client-secret-0123",
    "wrong_scim_token": "wrong-scim-key-0123456789",
}
BASIC_USERS = {
    "api_token": demo.ADMIN[0],
    "wrong_api_token": demo.ADMIN[0],
    "client_secret": demo.OAUTH_CLIENT[0],
    "wrong_client_secret": demo.OAUTH_CLIENT[0],
}
PUBLIC = (demo.ADMIN[0], demo.OAUTH_CLIENT[0], demo.SCIM_DIRECTORY, demo.WORKSPACE)  # printed legitimately


def common_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def leak_length(secret):
    """The shortest prefix of ``secret`` that counts as a leak: 8 characters, or one more than it shares with a
    value printed legitimately (``demo-client-`` of the client id)."""
    return max(8, max(common_prefix(secret, public) + 1 for public in PUBLIC))


BB = {"api_url": "{{ sim_api_url }}", "token_url": "{{ sim_token_url }}", "timeout": 60, "max_retries": 0}
API_TOKEN = dict(BB, username=demo.ADMIN[0], api_token="{{ api_token }}")
WRONG_API_TOKEN = dict(BB, username=demo.ADMIN[0], api_token="{{ wrong_api_token }}")
OAUTH = dict(BB, client_id=demo.OAUTH_CLIENT[0], client_secret="{{ client_secret }}")
WRONG_OAUTH = dict(BB, client_id=demo.OAUTH_CLIENT[0], client_secret="{{ wrong_client_secret }}")
ACCESS = dict(BB, access_token="{{ access_token }}")
SCIM = {
    "scim_url": "{{ sim_scim_url }}",
    "directory_id": demo.SCIM_DIRECTORY,
    "scim_token": "{{ scim_token }}",
    "timeout": 60,
    "max_retries": 0,
}
PLAIN_SCIM = dict(SCIM, scim_url="{{ sim_plain_scim_url }}")
WRONG_SCIM = dict(SCIM, scim_token="{{ wrong_scim_token }}")

SCIM_USER = "accessops.atlassian.atlassian_scim_user"
SCIM_INFO = "accessops.atlassian.atlassian_scim_user_info"
MEMBER_INFO = "accessops.atlassian.bitbucket_member_info"
REPO_PERMISSION = "accessops.atlassian.bitbucket_repo_permission"

SEED_APP = create_app(DEMO_SEED)  # only to read the seed's ids (account ids, uuids, SCIM ids, repositories)
REPOS = list(SEED_APP.state.workspace("acme").repos)


def acct(email):
    return SEED_APP.state.accounts.get_by_email(email)


def scim_id(user_name):
    return next((u["id"] for u in SEED_APP.scim_app.users(demo.SCIM_DIRECTORY) if u["userName"] == user_name), None)


# -- the scenarios --------------------------------------------------------------------------------------
SCENARIOS = []


def scenario(sid, group, module, args, faults, expect, server="main", reset=True, targets=(), scim_targets=()):
    """One task. ``targets``: account ids a write may touch; ``scim_targets``: SCIM user ids a write may touch."""
    SCENARIOS.append(
        {
            "id": sid,
            "group": group,
            "module": module,
            "args": args,
            "faults": faults,
            "expect": expect,
            "server": server,
            "reset": reset,
            "targets": list(targets),
            "scim_targets": list(scim_targets),
        }
    )


def grant(user, permission="write", repository="infra-core", **more):
    return dict(API_TOKEN, workspace="acme", repository=repository, user=user, permission=permission, **more)


def revoke(user, repository="infra-core"):
    return dict(API_TOKEN, workspace="acme", repository=repository, user=user, state="absent")


DEV001, DEV002, DEV003, DEV010, DEV020 = (acct("dev%03d@acme.example" % n) for n in (1, 2, 3, 10, 20))
IGNORE = {"ignore_filters": 50}

# 1. filters ignored: SCIM serves the users that do not match; Bitbucket serves the unfiltered listing.
scenario(
    "scim-absent-existing",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="dev001@acme.example", state="absent"),
    IGNORE,
    "unexpected",
    scim_targets=[scim_id("dev001@acme.example")],
)
scenario(
    "scim-absent-missing",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="leaver@acme.example", state="absent"),
    IGNORE,
    "unexpected",
)
scenario(
    "scim-present-new-attributes",
    "ignore_filters",
    SCIM_USER,
    dict(SCIM, user_name="dev002@acme.example", title="Principal Engineer", given_name="Renamed"),
    IGNORE,
    "unexpected",
    scim_targets=[scim_id("dev002@acme.example")],
)
scenario(
    "member-info-by-account-id",
    "ignore_filters",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["account_id"]),
    IGNORE,
    "unexpected",
)
scenario(
    "member-info-by-email",
    "ignore_filters",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["email"]),
    IGNORE,
    "unexpected",
)
scenario(
    "grant-by-email",
    "ignore_filters",
    REPO_PERMISSION,
    grant(DEV020["email"]),
    IGNORE,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "revoke-by-email",
    "ignore_filters",
    REPO_PERMISSION,
    revoke(DEV001["email"]),
    IGNORE,
    "unexpected",
    targets=[DEV001["account_id"]],
)
scenario(
    "grant-by-uuid",
    "ignore_filters",
    REPO_PERMISSION,
    grant(DEV020["uuid"]),
    IGNORE,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "revoke-by-uuid",
    "ignore_filters",
    REPO_PERMISSION,
    revoke(DEV001["uuid"]),
    IGNORE,
    "unexpected",
    targets=[DEV001["account_id"]],
)

# 2. another user's object for a keyed GET.
WRONG = {"wrong_object_next": 50}
scenario(
    "single-user-read-grant",
    "wrong_object_next",
    REPO_PERMISSION,
    grant(DEV002["account_id"]),
    WRONG,
    "unexpected",
    targets=[DEV002["account_id"]],
)
scenario(
    "single-user-read-revoke",
    "wrong_object_next",
    REPO_PERMISSION,
    revoke(DEV020["account_id"]),
    WRONG,
    "unexpected",
    targets=[DEV020["account_id"]],
)
scenario(
    "member-profile",
    "wrong_object_next",
    MEMBER_INFO,
    dict(API_TOKEN, workspace="acme", member=DEV010["account_id"], include_profile=True),
    {"wrong_object_next": {"count": 50, "path_prefix": "/2.0/users/"}},
    "unexpected",
)
# A plain RFC 7644 server answers PATCH with 204: the client reads the user again by id (the PATCH itself, of the
# right user, is the one write allowed here).
scenario(
    "scim-get-by-id-after-patch",
    "wrong_object_next",
    SCIM_USER,
    dict(PLAIN_SCIM, user_name="dev002@acme.example", title="Staff Engineer"),
    {"wrong_object_next": {"count": 50, "path_prefix": "/scim/"}},
    "unexpected-after-patch",
    server="plain",
    scim_targets=[scim_id("dev002@acme.example")],
)

# 3. path-traversal ids in answers.
HOSTILE = {"hostile_ids": 50}
scenario(
    "hostile-scim-absent",
    "hostile_ids",
    SCIM_USER,
    dict(SCIM, user_name="dev001@acme.example", state="absent"),
    HOSTILE,
    "unexpected-no-traversal",
    scim_targets=[scim_id("dev001@acme.example")],
)
scenario(
    "hostile-scim-present",
    "hostile_ids",
    SCIM_USER,
    dict(SCIM, user_name="dev002@acme.example", title="Hostile"),
    HOSTILE,
    "unexpected-no-traversal",
    scim_targets=[scim_id("dev002@acme.example")],
)
scenario(
    "hostile-exclusive",
    "hostile_ids",
    REPO_PERMISSION,
    dict(
        API_TOKEN,
        workspace="acme",
        repository="infra-core",
        exclusive=True,
        users=[{"user": DEV001["account_id"], "permission": "write"}],
    ),
    HOSTILE,
    "unexpected-no-traversal",
    targets=[DEV001["account_id"], DEV002["account_id"], DEV003["account_id"]],
)

# 4. writes redirected to another origin.
for status in (307, 302):
    redirect = {"redirect_writes": {"count": 50, "status": status, "path_prefix": "/2.0/"}}
    scenario(
        "redirect-%d-grant" % status,
        "redirect_writes",
        REPO_PERMISSION,
        grant(DEV020["account_id"]),
        redirect,
        "redirect",
        targets=[DEV020["account_id"]],
    )
    scenario(
        "redirect-%d-revoke" % status,
        "redirect_writes",
        REPO_PERMISSION,
        revoke(DEV001["account_id"]),
        redirect,
        "redirect",
        targets=[DEV001["account_id"]],
    )

# 5. an issued OAuth token with a line break. From here on the simulator is not reset (the tokens it issued, which
# the output is searched for, stay known).
scenario(
    "oauth-token-linebreak",
    "oauth_token_linebreak",
    MEMBER_INFO,
    dict(OAUTH, workspace="acme", member=DEV010["email"]),
    {"oauth_token_linebreak": 50},
    "linebreak",
)


# 6. credentials echoed in error messages, the secret placed around the client's truncation limit.
def echo_layout(kind):
    """Offsets, in the simulator's echo (after the pad), where the raw secret of ``kind`` starts: in the Bearer
    header and alone, or in the decoded Basic ``user:secret`` and alone."""
    secret, user = SECRETS[kind], BASIC_USERS.get(kind)
    if user is None:
        return [len("Bearer "), len("Bearer ") + len(secret) + 1]
    header = "Basic " + base64.b64encode(("%s:%s" % (user, secret)).encode()).decode()
    pair = len(header) + 1
    return [pair + len(user) + 1, pair + len(user) + 1 + len(secret) + 1]


def straddling_pads(kind, prefix=0, b64=False):
    """Pads that cut each occurrence of the secret in the middle of its leak window at the truncation limit
    (``prefix``: characters the client puts before the server's message in the truncated text); with ``b64``,
    also one that cuts the Basic header's base64 just after it holds a leak-length prefix of the secret."""
    secret = SECRETS[kind]
    need = leak_length(secret)
    pads = [TRUNCATION - prefix - offset - (need + len(secret)) // 2 for offset in echo_layout(kind)]
    if b64:
        shortest = math.ceil((len(BASIC_USERS[kind]) + 1 + need) * 4 / 3)
        pads.append(TRUNCATION - prefix - len("Basic ") - shortest - 2)
    return pads


def echo(count, pad, step=0, **target):
    return dict({"count": count, "pad": pad, "step": step}, **target)


def fail(status, prefix, count=50, method=None):
    rule = {"status": status, "count": count, "path_prefix": prefix}
    if method:
        rule["method"] = method
    return [rule]


SWEEP = REPOS[:26]
# api_token and the server-issued OAuth token: one task reads up to 26 repositories, each read fails with its own
# message, the pad growing by `step` from one to the next: dense sweeps across the limit in few tasks.
SWEEPS = {
    "api_token": (API_TOKEN, [(1860, 3, 26), (1938, 3, 26), (0, 1000, 6)]),
    "oauth_token": (OAUTH, [(1860, 6, 26), (0, 1000, 6)]),
}
for kind, (auth, sweeps) in SWEEPS.items():
    for first, step, count in sweeps:
        scenario(
            "echo-%s-pad%d-step%d" % (kind, first, step),
            "echo_credentials",
            REPO_PERMISSION,
            dict(auth, workspace="acme", repositories=SWEEP[:count], user=DEV020["account_id"], permission="read", concurrency=1),
            {
                "fail_next": fail(400, "/2.0/repositories/acme/", method="GET"),
                "echo_credentials": echo(count, first, step, path_prefix="/2.0/repositories/acme/"),
            },
            "echo",
            reset=False,
        )
# single-error tasks: the token endpoint (client_secret), a workspace access token, the SCIM key, wrong credentials.
SINGLE = [
    (
        "client_secret",
        MEMBER_INFO,
        dict(OAUTH, workspace="acme", member=DEV010["email"]),
        TOKEN_PATH,
        400,
        len("server_error: "),
        True,
    ),
    ("access_token", MEMBER_INFO, dict(ACCESS, workspace="acme", member=DEV010["email"]), "/2.0/", 400, 0, False),
    ("scim_token", SCIM_INFO, dict(SCIM, user_name="dev001@acme.example"), "/scim/", 400, 0, False),
]
for kind, module, args, prefix, status, message_prefix, b64 in SINGLE:
    for pad in sorted(set((0, 2000, 5000) + tuple(straddling_pads(kind, message_prefix, b64)))):
        scenario(
            "echo-%s-pad%d" % (kind, pad),
            "echo_credentials",
            module,
            args,
            {"fail_next": fail(status, prefix), "echo_credentials": echo(50, pad, path_prefix=prefix)},
            "echo",
            reset=False,
        )
for kind, module, args, message_prefix in (
    ("wrong_api_token", MEMBER_INFO, dict(WRONG_API_TOKEN, workspace="acme", member=DEV010["email"]), 0),
    ("wrong_client_secret", MEMBER_INFO, dict(WRONG_OAUTH, workspace="acme", member=DEV010["email"]), len("invalid_client: ")),
    ("wrong_scim_token", SCIM_INFO, dict(WRONG_SCIM, user_name="dev001@acme.example"), 0),
):
    for pad in straddling_pads(kind, message_prefix)[:1] + [5000]:
        scenario(
            "echo-%s-pad%d" % (kind, pad),
            "echo_credentials",
            module,
            args,
            {"echo_credentials": echo(50, pad)},
            "echo",
            reset=False,
        )
