#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the generated parts of ``plugins/doc_fragments`` from the tables below (``make doc-fragments``).

* ``COMMON_OPTIONS``: the connection options every product shares (``_args.common_spec(PREFIX)``), written once and
  generated into the marked section of ``bitbucket.py``, ``scim.py`` and ``admin.py`` with each product's ``PRODUCTS``
  values (``{PREFIX}`` of the environment variables, the product's TLS and retry wording).
* ``SCOPES`` + ``SCOPE_OPTIONS``: the per-scope options of the explicit-permission modules, generated as the
  ``REPOSITORY`` and ``PROJECT`` sub-fragments of ``permissions.py`` (``accessops.atlassian.permissions.repository``).

Everything outside the ``# BEGIN GENERATED <name>`` / ``# END GENERATED <name>`` lines is hand-written and kept.
``python tests/update_doc_fragments.py --check`` only reports; ``tests/unit/test_doc_fragments.py`` fails when a
fragment is out of date, and checks each fragment against the argument spec of the code.
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import textwrap
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FRAGMENTS = ROOT / "plugins" / "doc_fragments"
WIDTH = 120
HINT = "from the tables of tests/update_doc_fragments.py (make doc-fragments)"

# The product-specific words of the shared options. PREFIX is the one common_spec(PREFIX) gets.
PRODUCTS = {
    "bitbucket": {
        "PREFIX": "BITBUCKET",
        "TLS_TARGET": "the TLS certificates of the API and token endpoints",
        "RETRY_WAIT": "Retries wait with exponential backoff and full jitter, honour C(Retry-After) when the server sends it, "
        "and stop after 120 seconds in total.",
    },
    "scim": {
        "PREFIX": "ATLASSIAN_SCIM",
        "TLS_TARGET": "the TLS certificate of the API",
        "RETRY_WAIT": "Retries wait with exponential backoff and full jitter, honour C(Retry-After) when the server sends it, "
        "and stop after 120 seconds in total.",
    },
    "admin": {
        "PREFIX": "ATLASSIAN_ADMIN",
        "TLS_TARGET": "the TLS certificate of the API",
        "RETRY_WAIT": "Retries wait with exponential backoff and full jitter; on HTTP 429 they wait for C(Retry-After), or "
        "else until the C(X-RateLimit-Reset) time the API sends; they stop after 120 seconds in total.",
    },
}

# The one table of the shared connection options (plugins/module_utils/_args.py common_spec, and _journal.py journal_spec
# for plan_journal): description paragraphs
# ({PREFIX} and the other PRODUCTS keys are filled in per product), type and default.
COMMON_OPTIONS = {
    "validate_certs": {
        "description": [
            "Whether to verify {TLS_TARGET}.",
            "Only set this to V(false) against a test server you control.",
            "V(false) makes every task warn.",
            "When O(ca_path) is not set, C(requests) trusts the file named by E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) "
            "if one is set; the task then warns unless that file is a default trust store. Set O(ca_path) to make the "
            "choice explicit.",
            "If not set in the task, the value of the E({PREFIX}_VALIDATE_CERTS) environment variable is used.",
        ],
        "type": "bool",
        "default": True,
    },
    "ca_path": {
        "description": [
            "Path of a PEM bundle of CA certificates used to verify TLS certificates, for example behind a proxy that "
            "inspects TLS. When not set, the system or C(certifi) bundle is used.",
            "Ignored when O(validate_certs=false).",
            "If not set in the task, the value of the E({PREFIX}_CA_PATH) environment variable is used.",
        ],
        "type": "path",
    },
    "timeout": {
        "description": [
            "Seconds to wait for the server to accept a connection, and then for each answer.",
            "A number greater than 0 and at most 3600.",
            "If not set in the task, the value of the E({PREFIX}_TIMEOUT) environment variable is used.",
        ],
        "type": "float",
        "default": 30,
    },
    "max_retries": {
        "description": [
            "How many times a request is retried when the API answers HTTP 429, 502, 503 or 504, or the connection fails.",
            "From 0 to 20.",
            "{RETRY_WAIT}",
            "Requests that create something (C(POST)) are only retried when they cannot have reached the server, or on HTTP 429.",
            "V(0) disables retries.",
            "If not set in the task, the value of the E({PREFIX}_MAX_RETRIES) environment variable is used.",
        ],
        "type": "int",
        "default": 5,
    },
    "plan_journal": {
        "description": [
            "Append each change this task makes (or would make, in check mode) as one JSON line to this file: the run-wide "
            "journal the runbooks build their plan from (docs/plans.md).",
            "Each line is an object with C(item) (the change, as the module's C(changes) result lists it), C(check_mode) "
            "and C(module) (the module's short name).",
            "An absolute path. The file is created with mode C(0600) when it is missing; the tasks that name the same file "
            "append whole lines to it under a lock. A path that cannot be written fails the task before any request.",
            "Modules that change nothing (the C(_info) ones) accept it and write nothing.",
            "If not set in the task, the value of the E(ACCESSOPS_PLAN_JOURNAL) environment variable is used.",
        ],
        "type": "path",
        "version_added": "0.3.0",
    },
}

# The permission scopes (plugins/module_utils/_bitbucket/targets.py Scope): their target options, levels (the
# choices of every permission option) and what is said about them.
SCOPES = {
    "REPOSITORY": {
        "name": "repository",
        "plural": "repositories",
        "one": "The slug of one repository.",
        "several": "Slugs of several repositories of O(workspace); the same permissions are applied to each.",
        "levels": ["read", "write", "admin"],
        "level_notes": [],
    },
    "PROJECT": {
        "name": "project",
        "plural": "projects",
        "one": "The key of one project (C(INFRA)).",
        "several": "Keys of several projects of O(workspace); the same permissions are applied to each.",
        "levels": ["read", "write", "create-repo", "admin"],
        "level_notes": ["V(create-repo) is V(write) on every repository of the project plus creating repositories in it."],
    },
}


def _subjects(kind, key_description, empty_list):
    return {
        "description": [f"Several {kind}s, each with its own permission and state.", empty_list],
        "type": "list",
        "elements": "dict",
        "suboptions": {
            kind: {"description": key_description, "type": "str", "required": True},
            "permission": {
                "description": "The explicit permission to have. Required when O(%ss[].state=present)." % kind,
                "type": "str",
                "choices": "{levels}",
            },
            "state": {
                "description": "Whether the explicit permission must be there.",
                "type": "str",
                "choices": ["present", "absent"],
                "default": "present",
            },
            "expect": {
                "description": [
                    f"Compare-and-set: the explicit permission the {kind} must hold on every target before the change; "
                    "V(none) means no explicit permission.",
                    f"On a target where the {kind}'s explicit permission is another one (no explicit permission "
                    f"included), nothing is written for the {kind} there: the task lists it in RV(stale) and in the "
                    "target's entry of RV(targets) (also in check mode), is neither failed nor changed by it, and "
                    "applies the other entries and targets as usual.",
                    "Not allowed with O(exclusive=true).",
                ],
                "type": "str",
                "choices": "{expect_levels}",
                "version_added": "0.3.0",
            },
        },
    }


# The options of a scope's sub-fragment; {name}, {plural}, {one}, {several} come from SCOPES, "{levels}" is the list
# of levels ("{expect_levels}" the same plus none) and "{level_notes}" the scope's extra lines.
SCOPE_OPTIONS = {
    "{name}": {
        "description": ["{one}", "Exactly one of O({name}) and O({plural}) is required."],
        "type": "str",
    },
    "{plural}": {"description": ["{several}"], "type": "list", "elements": "str"},
    "permission": {
        "description": [
            "The explicit permission O(user) and/or O(group) must have. Required when O(state=present).",
            "{level_notes}",
        ],
        "type": "str",
        "choices": "{levels}",
    },
    "users": _subjects(
        "user",
        "Account ID, C({{uuid}}) or email address.",
        "An empty list is valid with O(exclusive=true) (it removes every explicit user permission but the protected ones).",
    ),
    "groups": _subjects(
        "group", "The group slug.", "An empty list is valid with O(exclusive=true) (it removes every explicit group permission)."
    ),
}

SCOPE_NOTES = [
    "API token scopes: C(read:{name}:bitbucket), C(admin:{name}:bitbucket), C(write:permission:bitbucket) (grant, "
    "change), C(delete:permission:bitbucket) (revoke), C(read:workspace:bitbucket) (email and uuid look-ups, owner "
    "check) and C(read:user:bitbucket) (to recognize the caller before removing or lowering an admin permission). "
    "OAuth consumers (C({name}:admin), C(account)) can only read.",
]


def _fill(value, values):
    """The table value with the placeholders of ``values`` filled in (a list placeholder alone in a list item
    expands in place)."""
    if isinstance(value, str):
        if value in ("{levels}",):
            return list(values["levels"])
        if value == "{expect_levels}":
            return [*values["levels"], "none"]
        return value.format(**values)
    if isinstance(value, list):
        out = []
        for item in value:
            if item == "{level_notes}":
                out.extend(values["level_notes"])
            else:
                out.append(_fill(item, values))
        return out
    if isinstance(value, dict):
        return {_fill(key, values): _fill(item, values) for key, item in value.items()}
    return value


def common_options(product):
    """The shared options as ``product``'s fragment documents them (a dict like the YAML's ``options``)."""
    return _fill(COMMON_OPTIONS, PRODUCTS[product])


def scope_fragment(scope):
    """The sub-fragment of one scope (``REPOSITORY`` or ``PROJECT``) as data: ``options`` and ``notes``."""
    values = SCOPES[scope]
    return {"options": _fill(SCOPE_OPTIONS, values), "notes": _fill(SCOPE_NOTES, values)}


def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    try:
        plain = yaml.safe_load(text) == text and not text.startswith(("{", "[", "-", '"', "'"))
    except yaml.YAMLError:
        plain = False
    return text if plain and ": " not in text and " #" not in text else json.dumps(text)


def _paragraph(text, first, rest):
    """One description paragraph as YAML lines: plain when that reads back the same, else double-quoted."""
    text = _scalar(text)
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False
    )


def _option_lines(name, option, indent):
    pad = " " * indent
    lines = [f"{pad}{name}:"]
    description = option["description"]
    if isinstance(description, str):
        lines.extend(_paragraph(description, f"{pad}  description: ", f"{pad}    "))
    else:
        lines.append(f"{pad}  description:")
        for item in description:
            lines.extend(_paragraph(item, f"{pad}    - ", f"{pad}      "))
    for key in ("type", "elements", "required", "choices", "default", "version_added"):
        if key not in option:
            continue
        value = option[key]
        if isinstance(value, list):
            value = "[" + ", ".join(_scalar(item) for item in value) + "]"
        else:
            value = _scalar(value)
        lines.append(f"{pad}  {key}: {value}")
    if "suboptions" in option:
        lines.append(f"{pad}  suboptions:")
        for sub_name, sub in option["suboptions"].items():
            lines.extend(_option_lines(sub_name, sub, indent + 4))
    return lines


def options_yaml(options, indent):
    lines = []
    for name, option in options.items():
        lines.extend(_option_lines(name, option, indent))
    return lines


def _checked(lines, expected, key=None):
    """``lines`` after checking that they read back as ``expected`` (a wrapped paragraph that YAML reads otherwise
    is a bug of this script, not of the fragment)."""
    data = yaml.safe_load("\n".join(lines))
    if key is not None:
        data = data[key]
    if data != expected:
        raise AssertionError("generated YAML does not read back as the table:\n" + "\n".join(lines))
    return lines


def generated_sections(fragment):
    """The generated sections of ``plugins/doc_fragments/<fragment>.py``: {section name: lines}."""
    if fragment in PRODUCTS:
        options = common_options(fragment)
        lines = options_yaml(options, 2)
        _checked(["options:", *lines], options, "options")
        return {"common-options": lines}
    if fragment == "permissions":
        lines = []
        for scope in SCOPES:
            data = scope_fragment(scope)
            body = ["options:", *options_yaml(data["options"], 2), "notes:"]
            for note in data["notes"]:
                body.extend(_paragraph(note, "  - ", "    "))
            _checked(body, data)
            lines.extend(["", f'    {scope} = r"""', *body, '"""'])
        return {"scopes": lines[1:]}
    return {}


SECTION = re.compile(
    r"^(?P<indent> *)# BEGIN GENERATED (?P<name>[\w-]+)\b.*\n(?P<body>(?:.*\n)*?)(?P=indent)# END GENERATED (?P=name)\b.*$", re.M
)


def render(fragment, text):
    """``text`` (the fragment file) with its generated sections rewritten from the tables."""
    sections = generated_sections(fragment)
    found = set()

    def replace(match):
        name = match.group("name")
        if name not in sections:
            raise ValueError(f"{fragment}.py: unknown generated section {name}")
        found.add(name)
        indent = match.group("indent")
        body = "".join(line + "\n" for line in sections[name])
        return f"{indent}# BEGIN GENERATED {name}: {HINT}\n{body}{indent}# END GENERATED {name}"

    result = SECTION.sub(replace, text)
    missing = set(sections) - found
    if missing:
        raise ValueError(f"{fragment}.py: no '# BEGIN GENERATED {sorted(missing)[0]}' / '# END GENERATED' lines")
    return result


def fragment_names():
    return [*PRODUCTS, "permissions"]


def main(argv):
    check = "--check" in argv
    stale = []
    for name in fragment_names():
        path = FRAGMENTS / f"{name}.py"
        text = path.read_text(encoding="utf-8")
        new = render(name, text)
        if new == text:
            continue
        stale.append(path)
        if check:
            sys.stdout.writelines(
                difflib.unified_diff(text.splitlines(True), new.splitlines(True), str(path), str(path) + " (generated)")
            )
        else:
            path.write_text(new, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if check and stale:
        print("doc fragments out of date: run make doc-fragments")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
