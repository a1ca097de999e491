# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every request the unit tests send is recorded as a form (``request_forms.normalise``) and, at the end of the
session, compared with the table of documented forms in ``docs/api-requests.md``: a form that no row states fails the
run (exit status 1, listed with the tests that sent it); rows that no test exercised are listed, not failed.

The recorder wraps ``requests.Session.send``, which every request of the collection goes through (``Transport.send``
calls ``Session.request``), below ``responses`` (which replaces the adapter's ``send``): it sees the request exactly as
it goes to the wire. A request to a URL a previous answer gave (a ``next`` page, a redirect ``Location``) is marked as a
followed link: only its method and path are checked.
"""

from __future__ import annotations

import json
import os
import threading
from urllib.parse import unquote_plus, urljoin

import pytest
import requests

from ansible_collections.accessops.atlassian.tests.unit import request_forms

# Tests that send synthetic requests on purpose (the transport, retry and pagination machinery exercised with made-up
# paths, bodies and redirects), not forms of the collection: their requests are not checked.
SYNTHETIC = (
    "tests/unit/plugins/module_utils/test_transport.py",
    "tests/unit/plugins/module_utils/test_transport_retries.py",
    "tests/unit/plugins/module_utils/test_retry.py",
    "tests/unit/plugins/module_utils/test_pagination.py",
    "tests/unit/plugins/module_utils/test_hardening.py",  # redirects and echoed secrets on made-up paths
    "tests/unit/plugins/module_utils/test_errors.py",  # error answers to made-up requests
    "tests/unit/plugins/module_utils/test_auth.py",  # auth headers on bare transport.get_json calls
    # the Admin API cursor machinery on made-up paths (/admin/s, /admin/l, /admin/x)
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_post_search_resends_the_filters_with_the_cursor",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_get_listing_sends_the_limit_then_the_cursor_alone",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_a_repeated_cursor_stops_with_a_warning",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_an_empty_page_with_a_next_cursor_stops_with_a_warning",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_no_usable_next_cursor_is_the_last_page",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_a_page_without_a_data_list_is_an_error",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_an_empty_body_is_an_error_too",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_a_search_page_is_read_again_after_a_503",
    "tests/unit/plugins/module_utils/test_admin_infra.py::test_transport_passes_the_reset_of_a_429_only",
)
DUMP = "ACCESSOPS_REQUEST_FORMS_DUMP"  # a file to write every recorded form to (JSON), for whoever edits the table

_recorded = {}
_links = set()
_lock = threading.Lock()
_current = {"test": None}
_REPORT = pytest.StashKey()
_UNIT = os.path.dirname(os.path.realpath(__file__))
_ROOT = os.path.dirname(os.path.dirname(_UNIT))  # the collection: tests/unit/../..
_original_send = requests.Session.send


def _given_links(request_url, response):
    """The URLs an answer gives to follow: its JSON ``next`` (Bitbucket pages) and a redirect's ``Location``."""
    found = []
    location = response.headers.get("Location")
    if location:
        found.append(urljoin(request_url, location))
    try:
        body = json.loads(response.content or b"null")
    except (ValueError, TypeError, RuntimeError):
        body = None
    next_url = body.get("next") if isinstance(body, dict) else None
    if isinstance(next_url, str) and next_url.startswith(("http://", "https://", "/")):
        found.append(urljoin(request_url, next_url))
    return [unquote_plus(url) for url in found]


def _recording_send(self, request, **kwargs):
    test = _current["test"]
    if test is not None and not test.startswith(SYNTHETIC):
        form = request_forms.normalise(
            request.method,
            request.url,
            request.body,
            request.headers.get("Content-Type"),
            link=unquote_plus(request.url) in _links,
        )
        with _lock:
            _recorded.setdefault(form, []).append(test)
    response = _original_send(self, request, **kwargs)
    given = _given_links(request.url, response)
    if given:
        with _lock:
            _links.update(given)
    return response


def pytest_configure(config):  # pylint: disable=unused-argument
    requests.Session.send = _recording_send


def pytest_unconfigure(config):  # pylint: disable=unused-argument
    requests.Session.send = _original_send


def pytest_runtest_protocol(item, nextitem):  # pylint: disable=unused-argument
    # "tests/unit/<file>::<name>" whatever pytest's rootdir is (SYNTHETIC is written so)
    name = item.nodeid[item.nodeid.index("::") :] if "::" in item.nodeid else ""
    _current["test"] = os.path.relpath(os.path.realpath(str(item.path)), _ROOT).replace(os.sep, "/") + name
    _links.clear()


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    if not _recorded:
        return
    if os.environ.get(DUMP):
        with open(os.environ[DUMP], "w", encoding="utf-8") as out:
            json.dump(
                [dict(form._asdict(), tests=sorted(set(tests))[:3]) for form, tests in _recorded.items()],
                out,
                indent=1,
                sort_keys=True,
            )
    rows = request_forms.load_table()
    missing = request_forms.undocumented(_recorded, rows)
    session.config.stash[_REPORT] = (missing, request_forms.unexercised(_recorded, rows), len(rows))
    if missing and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # pylint: disable=unused-argument
    report = config.stash.get(_REPORT, None)
    if report is None:
        return
    missing, idle, count = report
    # the rows no test exercised, listed when the whole unit suite ran (a subset leaves most rows idle)
    whole = not terminalreporter.stats.get("deselected") and all(
        os.path.realpath(arg.split("::")[0]) == _UNIT for arg in config.args
    )
    if idle and whole:
        terminalreporter.section("request forms no test exercised (docs/api-requests.md)", sep="-")
        for row in idle:
            terminalreporter.line("line %d: %s %s" % (row.line, row.method, row.template))
    if missing:
        terminalreporter.section("UNDOCUMENTED REQUEST FORMS", sep="=", red=True, bold=True)
        terminalreporter.line(
            "These requests were sent by the tests below but no row of docs/api-requests.md states "
            "them: document the form there (with its source in the official documents), or change the "
            "code to send a documented form.",
            red=True,
        )
        for form, tests in missing.items():
            terminalreporter.line("  %s" % form, red=True)
            for test in tests[:3]:
                terminalreporter.line("      sent by %s" % test)
        terminalreporter.line(
            "request forms: %d undocumented (the run fails), %d rows in the table, %d not exercised"
            % (len(missing), count, len(idle)),
            red=True,
        )
    else:
        terminalreporter.line(
            "request forms: every request the tests sent is in docs/api-requests.md (%d rows, %d not "
            "exercised by this run)" % (count, len(idle))
        )
