# -*- coding: utf-8 -*-
# Copyright: contributors to accessops.atlassian
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: offboarding_render
short_description: Render the result of the offboarding role - the Markdown audit report, one line per person, the outcome
version_added: "0.4.0"
author:
  - accessops maintainers (@accessops)
description:
  - Renders C(offboarding_result) of the P(accessops.atlassian.offboarding#role) role.
  - What was not read or not verified is rendered as unknown, never as none - a person whose reads failed (for
    example after HTTP 429) has "Residual access - unknown", not "None". Booleans read C(yes) / C(no), never
    C(True). A workspace admin (owner or collaborator) reaches every repository - "all (workspace admin)".
  - C(markdown) is the audit report (with each person's API tokens - label, id, created, last access, expiry and
    whether each was revoked, is planned to be, was already gone, or the account is not managed by the organization).
    C(tokens_not_managed) is a list of one sentence per person whose API tokens the organization cannot revoke.
  - C(lines) is a list of one line per person - C(input | status | actions;
    residual) - with no Python representation of a dict or list. C(outcome) is a dict with C(ok) (whether the play
    may end green), C(msg) (what to print) - the play fails when anyone is incomplete and, with O(fail_on_residual),
    when anyone keeps residual access or was not verified.
options:
  _input:
    description: C(offboarding_result).
    type: dict
    required: true
  format:
    description: What to render.
    type: str
    choices: [markdown, lines, outcome, tokens_not_managed]
    required: true
  fail_on_residual:
    description: For C(outcome) - residual access (or a person not verified) fails the play too.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Show one line per person
  ansible.builtin.debug:
    msg: "{{ offboarding_result | accessops.atlassian.offboarding_render('lines') }}"
"""

RETURN = r"""
_value:
  description: The Markdown text (C(markdown)), a list of strings (C(lines), C(tokens_not_managed)) or a dict (C(outcome)).
  type: raw
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.accessops.atlassian.plugins.plugin_utils._offboarding.tokens import (
    not_managed,
    token_lines,
    token_summary,
)

ADMIN_ROLES = ("owner", "collaborator")
UNKNOWN_STATUSES = ("failed", "not_verified")


def _yes(value):
    if value is None:
        return "unknown"
    return "yes" if value else "no"


def _md(value):
    text = "" if value is None else str(value)
    for char in "\\`*_|<>[]":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", " ")


def _perms(d):
    if not d:
        return "none"
    return ", ".join("`%s` %s" % (_md(k), _md(v)) for k, v in sorted(d.items()))


def _names(items, empty="none"):
    items = [str(i) for i in items or []]
    return ", ".join(items) if items else empty


def _failed(p):
    return p.get("status") == "failed"


def _verified(p):
    """The state after was read (or predicted) and the person did not fail: the residual list is known."""
    return p.get("status") not in UNKNOWN_STATUSES and bool(p.get("after"))


def _reachable(side):
    if not side or "in_workspace" not in side:
        return "unknown (not read)"
    if side.get("workspace_permission") in ADMIN_ROLES:
        return "all (workspace admin: %s)" % side["workspace_permission"]
    return str(len(side.get("effective") or {}))


def _member(side):
    if not side or "in_workspace" not in side:
        return "unknown (not read)"
    text = _yes(side.get("in_workspace"))
    if side.get("workspace_permission"):
        text += " (%s)" % side["workspace_permission"]
    return text


def _side(side, key, render):
    if not side or key not in side:
        return "unknown (not read)"
    return render(side.get(key))


def _why_unknown(p):
    if _failed(p):
        return 'failed in step "%s"' % (p.get("failed_step") or "?")
    if p.get("status") == "not_verified":
        return "step 4 (verify) did not run"
    return "not verified"


def _residual_text(r):
    what = r.get("name") or r.get("target") or ""
    parts = [_md(what)]
    if r.get("repositories"):
        parts.append(": " + _perms(r["repositories"]))
    if r.get("projects"):
        parts.append("; projects " + _perms(r["projects"]))
    if r.get("other_products"):
        parts.append(" (grants %s)" % _md(", ".join(r["other_products"])))
    why = _md(r.get("reason"))
    if r.get("read_only_reason") and r.get("kind") == "other_products":
        why += "; read-only: " + _md(r["read_only_reason"])
    return "| %s | %s | %s |" % (_md((r.get("kind") or "").replace("_", " ")), "".join(parts), why)


def _action_list(p, values, label):
    """A list of actions: empty means none only when the person did not fail (else: none recorded)."""
    if values:
        return _names(values)
    return "none recorded before the failure" if _failed(p) else "none"


def render_markdown(result):
    lines = [
        "# Offboarding audit report: workspace `%s`%s"
        % (_md(result.get("workspace")), " (check mode: predicted, nothing changed)" if result.get("check_mode") else ""),
        "",
        "| | |",
        "| --- | --- |",
        "| Started / finished (UTC) | %s / %s |" % (result.get("started"), result.get("finished")),
        "| People | %d: %d offboarded, %d with residual access, %d not verified, %d incomplete |"
        % (
            len(result.get("people") or []),
            len(result.get("offboarded") or []),
            len(result.get("residual_access") or []),
            len(result.get("not_verified") or []),
            len(result.get("incomplete") or []),
        ),
        "| Account action | `%s` |" % _md(result.get("account_action")),
        "| Remove granting groups | %s%s |"
        % (
            _yes(result.get("remove_groups")),
            " (allowed multi-product groups: %s)" % _md(", ".join(result["allowed_groups"]))
            if result.get("allowed_groups")
            else "",
        ),
        "| Groups that grant the workspace | %s |"
        % (_md(_names(result.get("workspace_groups"))) if result.get("admin_api") else "not read (Admin API not configured)"),
    ]
    calls = result.get("api_calls") or {}
    lines.append(
        "| Revoke API tokens | %s |"
        % (_yes(result.get("revoke_api_tokens", True)) if result.get("admin_api") else "no (Admin API not configured)")
    )
    lines.append(
        "| API calls | %s (collect and verify: one read for everyone each; collect %s, permissions %s, groups %s, tokens %s, "
        "verify %s, account %s) |"
        % tuple(calls.get(k, 0) for k in ("total", "collect", "permissions", "groups", "tokens", "verify", "account"))
    )
    for p in result.get("people") or []:
        before, after = p.get("before") or {}, p.get("after") or {}
        actions = p.get("actions") or {}
        lines += [
            "",
            "## %s (%s): %s"
            % (
                _md(p.get("display_name") or p.get("input")),
                _md(p.get("email") or p.get("input")),
                (p.get("status") or "unknown").replace("_", " "),
            ),
            "",
            "Account id: %s" % (("`%s`" % p["account_id"]) if p.get("account_id") else "unknown"),
        ]
        if p.get("error"):
            lines += ["", '**Failed** in step "%s": %s' % (_md(p.get("failed_step")), _md(p["error"]))]
        after_label = "After" + (" (predicted)" if after.get("predicted") else "")
        if not after:
            after_label += " (not verified: %s)" % _why_unknown(p)
        lines += [
            "",
            "| | Before | %s |" % after_label,
            "| --- | --- | --- |",
            "| Workspace member | %s | %s |" % (_member(before), _member(after) if after else "unknown (not verified)"),
            "| Organization account | %s | %s |"
            % (before.get("organization_status") or "not read", after.get("organization_status") or "not read"),
            "| Groups granting the workspace | %s | %s |"
            % (
                _side(before, "granting_groups", lambda v: _md(_names(v))),
                _side(after, "granting_groups", lambda v: _md(_names(v))),
            ),
            "| Explicit repository permissions | %s | %s |"
            % (_side(before, "explicit_repositories", _perms), _side(after, "explicit_repositories", _perms)),
            "| Explicit project permissions | %s | %s |"
            % (_side(before, "explicit_projects", _perms), _side(after, "explicit_projects", _perms)),
            "| Repositories reachable (effective) | %s | %s |"
            % (
                _reachable(before),
                _reachable(
                    dict(after, workspace_permission=before.get("workspace_permission")) if after.get("in_workspace") else after
                ),
            ),
            "",
            "Actions%s:" % (" (would be done)" if p.get("predicted") else ""),
            "",
            "- Explicit repository permissions removed: %s" % _md(_action_list(p, actions.get("repositories_removed"), "")),
            "- Explicit project permissions removed: %s" % _md(_action_list(p, actions.get("projects_removed"), "")),
            "- Groups left: %s" % _md(_action_list(p, actions.get("groups_removed"), "")),
            "- Groups kept: %s" % _md(_names(actions.get("groups_kept"))),
        ]
        account = actions.get("account") or {}
        lines.append("- Account: `%s`, %s" % (_md(account.get("action")), _md(account.get("detail"))))
        lines += ["- Note: %s" % _md(n) for n in p.get("notes") or []]
        lines += token_lines(actions.get("api_tokens"), _md)
        lines += ["", "Residual access:", ""]
        if not _verified(p):
            lines.append(
                "**Unknown** (%s): the access that remains was not read, so it is not known - do not read this as none. "
                "Run the offboarding again once the cause is fixed." % _md(_why_unknown(p))
            )
        elif p.get("residual"):
            lines += ["| Kind | What | Why |", "| --- | --- | --- |"] + [_residual_text(r) for r in p["residual"]]
        else:
            lines.append("None: no explicit permission, no granting group, no workspace membership left.")
        pc = p.get("api_calls") or {}
        lines += [
            "",
            "API calls of this person's own steps (the reads shared by everyone are in the run's total): %s (collect %s, "
            "permissions %s, groups %s, tokens %s, verify %s, account %s)"
            % tuple(pc.get(k, 0) for k in ("total", "collect", "permissions", "groups", "tokens", "verify", "account")),
        ]
    return "\n".join(lines) + "\n"


def _residual_short(p):
    if not _verified(p):
        return "residual: unknown (%s)" % _why_unknown(p)
    kept = [r for r in p.get("residual") or [] if r.get("kind") != "other_products"]
    if not kept:
        return "residual: none"
    parts = []
    for r in kept:
        kind = (r.get("kind") or "").replace("_", " ")
        what = r.get("name") or r.get("target") or ""
        if r.get("kind") == "effective_permissions":
            parts.append("%s on %d repositories" % (kind, len(r.get("repositories") or {})))
        elif r.get("kind") == "explicit_permissions":
            parts.append(
                "%s on %s" % (kind, ", ".join(sorted(list(r.get("repositories") or {}) + list(r.get("projects") or {}))))
            )
        else:
            parts.append("%s %s" % (kind, what))
    return "residual: " + ", ".join(parts)


def person_line(p):
    before = p.get("before") or {}
    actions = p.get("actions") or {}
    verb = "would remove" if p.get("predicted") else "removed"
    repos = before.get("explicit_repositories") or {}
    projects = before.get("explicit_projects") or {}
    done = []
    if actions.get("repositories_removed"):
        done.append(
            "%s %s" % (verb, ", ".join("%s on %s" % (repos.get(r, "access"), r) for r in sorted(actions["repositories_removed"])))
        )
    if actions.get("projects_removed"):
        done.append(
            "%s %s"
            % (verb, ", ".join("%s on project %s" % (projects.get(k, "access"), k) for k in sorted(actions["projects_removed"])))
        )
    if actions.get("groups_removed"):
        done.append(("would leave " if p.get("predicted") else "left ") + ", ".join(actions["groups_removed"]))
    if actions.get("groups_kept"):
        done.append("kept " + ", ".join(actions["groups_kept"]))
    tokens = token_summary(actions.get("api_tokens"), bool(p.get("predicted")))
    if tokens:
        done.append(tokens)
    account = actions.get("account") or {}
    if account.get("action") not in (None, "none"):
        done.append("account %s: %s" % (account.get("action"), account.get("detail")))
    if not done:
        done.append("nothing recorded before the failure" if _failed(p) else "nothing to remove")
    parts = [str(p.get("input")), str(p.get("status") or "unknown"), "; ".join(done + [_residual_short(p)])]
    if p.get("error"):
        parts.append("error: " + " ".join(str(p["error"]).split()))
    return " | ".join(parts)


def render_outcome(result, fail_on_residual):
    people = result.get("people") or []
    incomplete = result.get("incomplete") or []
    residual = result.get("residual_access") or []
    not_verified = result.get("not_verified") or []
    offboarded = result.get("offboarded") or []
    prefix = "Check mode (predicted): " if result.get("check_mode") else ""
    counts = "%d of %d offboarded, %d with residual access, %d not verified, %d incomplete" % (
        len(offboarded),
        len(people),
        len(residual),
        len(not_verified),
        len(incomplete),
    )
    report = (result.get("reports") or {}).get("json") or "(not written)"
    if incomplete:
        return {
            "ok": False,
            "msg": "%sOffboarding incomplete for %s (%s); see offboarding_result and the audit report %s."
            % (prefix, ", ".join(incomplete), counts, report),
        }
    if fail_on_residual and (residual or not_verified):
        return {
            "ok": False,
            "msg": "%sResidual access remains for %s (offboarding_fail_on_residual=true; %s); see the audit report %s."
            % (prefix, ", ".join(residual + not_verified), counts, report),
        }
    if len(offboarded) == len(people):
        msg = "%sEvery person was offboarded (%s)." % (prefix, counts)
    else:
        msg = "%s%s: residual access of %s is in the audit report %s." % (
            prefix,
            counts,
            ", ".join(residual + not_verified),
            report,
        )
    return {"ok": True, "msg": msg}


def offboarding_render(result, format=None, fail_on_residual=False):  # pylint: disable=redefined-builtin
    if not isinstance(result, dict) or "people" not in result:
        raise AnsibleFilterError("offboarding_render expects offboarding_result")
    if format == "markdown":
        return render_markdown(result)
    if format == "lines":
        return [person_line(p) for p in result.get("people") or []]
    if format == "outcome":
        return render_outcome(result, bool(fail_on_residual))
    if format == "tokens_not_managed":
        return not_managed(result.get("people") or [])
    raise AnsibleFilterError(
        "offboarding_render: format must be markdown, lines, outcome or tokens_not_managed, not %r" % (format,)
    )


class FilterModule:
    def filters(self):
        return {"offboarding_render": offboarding_render}
