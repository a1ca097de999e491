# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""BitbucketClient: request shapes, batching, strict list reads, 404 meanings, worker clients."""

from __future__ import annotations

import threading

import pytest
import responses

from ansible_collections.accessops.atlassian.plugins.module_utils._auth import ApiTokenAuth
from ansible_collections.accessops.atlassian.plugins.module_utils._validate import identifier_kind
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.client import (
    BitbucketClient,
    IncompleteListError,
    bbql_in,
    bbql_string,
    chunks,
    normalize_identifier,
)
from ansible_collections.accessops.atlassian.plugins.module_utils._workers import WorkerPool
from ansible_collections.accessops.atlassian.plugins.module_utils._errors import ApiError, NotFoundError, UnexpectedAnswerError
from ansible_collections.accessops.atlassian.plugins.module_utils._bitbucket.identity import members_by_key
from ansible_collections.accessops.atlassian.plugins.module_utils._retry import RetryPolicy
from ansible_collections.accessops.atlassian.plugins.module_utils._transport import Transport
from ansible_collections.accessops.atlassian.tests.unit.plugins.modules.bitbucket_helpers import (
    API,
    calls,
    membership,
    page,
    perm,
)

USERS = "/repositories/acme/infra-core/permissions-config/users"


def make_client(max_retries=0):
    transport = Transport(
        API,
        ApiTokenAuth("admin@acme.example", "secret-token"),
        timeout=7,
        retry_policy=RetryPolicy(max_retries=max_retries, sleep=lambda s: None, rng=lambda: 0.0),
    )
    return BitbucketClient(transport)


@pytest.mark.parametrize(
    "value, kind, normal",
    [
        ("Dev1@Acme.Example", "email", "dev1@acme.example"),
        ("{0F1E2D3C-0000-4000-8000-000000000001}", "uuid", "{0f1e2d3c-0000-4000-8000-000000000001}"),
        ("0f1e2d3c-0000-4000-8000-000000000001", "uuid", "{0f1e2d3c-0000-4000-8000-000000000001}"),
        ("557058:0f1e2d3c-0000-4000-8000-000000000001", "account_id", "557058:0f1e2d3c-0000-4000-8000-000000000001"),
        (" 5b10ac8d82e05b22cc7d4ef5 ", "account_id", "5b10ac8d82e05b22cc7d4ef5"),
    ],
)
def test_identifiers(value, kind, normal):
    assert identifier_kind(value, lenient=True) == kind
    assert normalize_identifier(value) == normal


def test_bbql_quoting_and_chunks():
    assert bbql_string('a"b\\c') == '"a\\"b\\\\c"'
    assert bbql_in("user.email", ["a@x", "b@y"]) == 'user.email IN ("a@x","b@y")'
    assert bbql_in("user.uuid", ["{u}"]) == 'user.uuid IN ("{u}")'
    assert chunks(range(5), 2) == [[0, 1], [2, 3], [4]]


@responses.activate
def test_members_by_email_batches_of_90_deduplicated_case_insensitively():
    emails = ["u%03d@acme.example" % i for i in range(181)] + ["U000@ACME.example", " "]
    first = page([membership("u000", email="U000@acme.example")])
    responses.add("GET", API + "/workspaces/acme/members", json=first)
    responses.add("GET", API + "/workspaces/acme/members", json=page([]))
    responses.add("GET", API + "/workspaces/acme/members", json=page([]))
    found = make_client().members_by_email("acme", emails)
    seen = calls(responses)
    assert [c[1].count("@acme.example") for c in seen] == [90, 90, 1]
    assert all("fields=+values.user.email" in c[1] for c in seen)
    assert list(found) == ["u000@acme.example"]
    assert found["u000@acme.example"]["account_id"] == "557058:u000"


@pytest.mark.parametrize(
    "answer",
    [
        membership("zz", email="other@acme.example"),  # the filter was ignored
        membership("zz"),  # the email was not shown: nothing proves who it is
    ],
)
@responses.activate
def test_members_by_email_refuses_an_answer_that_does_not_match_the_filter(answer):
    responses.add("GET", API + "/workspaces/acme/members", json=page([membership("u000", email="u000@acme.example"), answer]))
    with pytest.raises(UnexpectedAnswerError, match="filtered on user.email answered .* does not match the filter"):
        make_client().members_by_email("acme", ["u000@acme.example"])


@pytest.mark.parametrize(
    "read",
    [
        lambda client: members_by_key(client, "acme", ["{00000000-0000-4000-8000-000000000001}"], "uuid"),
        lambda client: members_by_key(client, "acme", ["557058:u1"]),
        lambda client: client.workspace_permissions_for("acme", ["557058:u1"]),
    ],
)
@responses.activate
def test_filtered_member_reads_refuse_other_users(read):
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([membership("u2")]))
    with pytest.raises(UnexpectedAnswerError, match="does not match the filter"):
        read(make_client())


@responses.activate
def test_keyed_reads_refuse_another_users_object():
    client = make_client()
    responses.add("GET", API + USERS + "/557058:a", json=perm("b", "write"))
    with pytest.raises(UnexpectedAnswerError, match="answered 557058:b although 557058:a was asked for"):
        client.get_user_permission("acme", "infra-core", "557058:a")
    responses.add("GET", API + "/users/557058:a", json={"account_id": "557058:b"})
    with pytest.raises(UnexpectedAnswerError, match="although 557058:a was asked for"):
        client.get_user("557058:a")
    responses.add("GET", API + "/workspaces/acme/members/557058:a", json=membership("b"))
    with pytest.raises(UnexpectedAnswerError, match="although 557058:a was asked for"):
        client.get_member("acme", "557058:a")


@responses.activate
def test_a_permission_list_of_another_repository_or_with_unsafe_ids_is_refused():
    other = perm("a", "read")
    other["repository"] = {"full_name": "acme/other"}
    responses.add("GET", API + USERS, json=page([other]))
    with pytest.raises(UnexpectedAnswerError, match="of repository acme/other instead of acme/infra-core"):
        make_client().list_user_permissions("acme", "infra-core")
    hostile = perm("a", "read")
    hostile["user"]["account_id"] = "../../557058:a"
    responses.replace("GET", API + USERS, json=page([hostile]))
    with pytest.raises(UnexpectedAnswerError, match="is neither an account id nor a {uuid}"):
        make_client().list_user_permissions("acme", "infra-core")


def test_server_values_that_are_not_safe_path_segments_are_refused_before_the_request():
    for value in ("..", ".", "", "a/b", "..%2F", "a\\b", "a\nb", "a b", "x?y"):
        with pytest.raises(UnexpectedAnswerError, match="not a safe URL path segment"):
            make_client().remove_user_permission("acme", "infra-core", value)


@responses.activate
def test_single_permission_read_meanings_of_404():
    client = make_client()
    responses.add("GET", API + USERS + "/557058:a", json=perm("a", "none"))
    assert client.get_user_permission("acme", "infra-core", "557058:a") is None
    responses.add("GET", API + USERS + "/557058:b", status=404)
    responses.add("GET", API + USERS, json=page([]))
    assert client.get_user_permission("acme", "infra-core", "557058:b") is None
    assert calls(responses)[-1] == ("GET", "/2.0" + USERS + "?pagelen=1")
    responses.add("GET", API + "/repositories/acme/gone/permissions-config/users/557058:b", status=404)
    responses.add("GET", API + "/repositories/acme/gone/permissions-config/users", status=404)
    with pytest.raises(NotFoundError):
        client.get_user_permission("acme", "gone", "557058:b")
    before = len(responses.calls)
    assert client.get_user_permission("acme", "gone", "557058:b", confirm_missing=False) is None
    assert calls(responses)[before:] == [("GET", "/2.0/repositories/acme/gone/permissions-config/users/557058:b")]


@responses.activate
def test_members_by_uuid_batches_of_50_with_one_filtered_query_each():
    uuids = ["{00000000-0000-4000-8000-%012d}" % i for i in range(120)]
    hit = membership("u1")
    hit["user"]["uuid"] = uuids[1].upper()
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([hit]))
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([]))
    responses.add("GET", API + "/workspaces/acme/permissions", json=page([]))
    found = members_by_key(make_client(), "acme", [u.strip("{}").upper() for u in uuids] + [uuids[0], "557058:x"], "uuid")
    seen = calls(responses)
    assert [c[1].count("-4000-8000-") for c in seen] == [50, 50, 20]
    assert seen[0][1].startswith('/2.0/workspaces/acme/permissions?q=user.uuid IN ("%s",' % uuids[0])
    assert list(found) == [uuids[1]] and found[uuids[1]]["account_id"] == "557058:u1"


@responses.activate
def test_uuid_goes_into_the_path_escaped():
    uuid = "{0f1e2d3c-0000-4000-8000-00000000000a}"
    answer = perm("a", "read")
    answer["user"]["uuid"] = uuid.upper()
    responses.add("GET", API + USERS + "/%7B0f1e2d3c-0000-4000-8000-00000000000a%7D", json=answer)
    assert make_client().get_user_permission("acme", "infra-core", uuid) == "read"
    assert responses.calls[0].request.url.endswith("/users/%7B0f1e2d3c-0000-4000-8000-00000000000a%7D")


@responses.activate
def test_list_reads_every_page_and_skips_none():
    responses.add("GET", API + USERS, json=page([perm("a", "read"), perm("n", "none")], next_url=API + USERS + "?page=2"))
    responses.add("GET", API + USERS + "?page=2", json=page([perm("b", "admin")]))
    listed = make_client().list_user_permissions("acme", "infra-core")
    assert {k: v["permission"] for k, v in listed.items()} == {"557058:a": "read", "557058:b": "admin"}


@responses.activate
def test_list_raises_on_a_failed_page_and_on_a_broken_chain():
    responses.add("GET", API + USERS, json=page([perm("a", "read")], next_url=API + USERS + "?page=2"))
    responses.add("GET", API + USERS + "?page=2", status=500)
    with pytest.raises(ApiError) as failed:
        make_client().list_user_permissions("acme", "infra-core")
    assert failed.value.status == 500
    responses.reset()
    responses.add("GET", API + USERS, json=page([perm("a", "read")], next_url=API + USERS + "?page=2"))
    responses.add("GET", API + USERS + "?page=2", json=page([], next_url=API + USERS + "?page=3"))
    with pytest.raises(IncompleteListError):
        make_client().list_user_permissions("acme", "infra-core")


@responses.activate
def test_writes():
    client = make_client()
    responses.add("PUT", API + USERS + "/557058:a", json=perm("a", "write"))
    assert client.set_user_permission("acme", "infra-core", "557058:a", "write")["permission"] == "write"
    responses.add("DELETE", API + USERS + "/557058:a", status=204)
    responses.add("DELETE", API + USERS + "/557058:b", status=404)
    assert client.remove_user_permission("acme", "infra-core", "557058:a") is True
    assert client.remove_user_permission("acme", "infra-core", "557058:b") is False
    with pytest.raises(ValueError):
        client.set_user_permission("acme", "infra-core", "557058:a", "owner")


@responses.activate
def test_get_user_and_member_return_none_on_404():
    client = make_client()
    responses.add("GET", API + "/users/557058:x", status=404)
    responses.add("GET", API + "/workspaces/acme/members/557058:x", status=404)
    assert client.get_user("557058:x") is None
    assert client.get_member("acme", "557058:x") is None


def test_worker_client_copies_settings_and_shares_auth(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    transport = Transport(API, ApiTokenAuth("a@b", "t"), timeout=9, ca_path=str(ca))
    client = BitbucketClient(transport, pagelen=50)
    worker = client.for_worker()
    assert worker.transport is not transport and worker.transport.session is not transport.session
    assert worker.transport.auth is transport.auth
    assert (worker.transport.timeout, worker.transport.verify, worker.pagelen) == (9, str(ca), 50)
    assert worker.transport.retry_policy is transport.retry_policy


@responses.activate
def test_pool_runs_in_parallel_keeps_order_and_merges_counts():
    for i in range(8):
        responses.add("GET", API + "/users/u%d" % i, json={"account_id": "u%d" % i})
    client = make_client()
    threads = set()
    transports = set()

    def work(worker, i):
        threads.add(threading.get_ident())
        transports.add(id(worker.transport))
        return worker.get_user("u%d" % i)["account_id"]

    with WorkerPool(client, concurrency=3) as pool:
        assert pool.map(work, range(8)) == ["u%d" % i for i in range(8)]
    assert client.stats.as_result() == {"total": 8, "GET": 8}
    assert id(client.transport) not in transports
    assert 1 <= len(transports) <= 3


@responses.activate
def test_pool_of_one_uses_the_main_client_in_order():
    client = make_client()
    order = []
    with WorkerPool(client, concurrency=1) as pool:
        pool.map(lambda worker, i: order.append((worker is client, i)), range(3))
    assert order == [(True, 0), (True, 1), (True, 2)]


@responses.activate
def test_pool_keeps_the_most_recent_rate_limit_headers_and_warns_once():
    warnings = []
    transport = Transport(
        API,
        ApiTokenAuth("admin@acme.example", "secret-token"),
        warn=warnings.append,
        retry_policy=RetryPolicy(max_retries=0, sleep=lambda s: None, rng=lambda: 0.0),
    )
    client = BitbucketClient(transport)
    for i in range(6):
        responses.add(
            "GET",
            API + "/users/u%d" % i,
            json={"account_id": "u%d" % i},
            headers={"X-RateLimit-Limit": str(1000 + i), "X-RateLimit-Resource": "api", "X-RateLimit-NearLimit": "true"},
        )
    responses.add("GET", API + "/users/plain", json={"account_id": "plain"})
    last_one_may_go = threading.Event()
    order = []
    lock = threading.Lock()

    def work(worker, name):
        if name == "u0":  # the first item answers last, after every other worker
            assert last_one_may_go.wait(5)
        with lock:
            worker.get_user(name)
            order.append(name)
            if len(order) == 6:
                last_one_may_go.set()

    with WorkerPool(client, concurrency=3) as pool:
        pool.map(work, ["u0", "u1", "u2", "u3", "u4", "plain", "u5"])
    assert order[-1] == "u0"
    assert client.stats.rate_limit == {"limit": 1000, "resource": "api", "near_limit": True}
    assert len(warnings) == 1 and "near its rate limit" in warnings[0]
    assert client.stats.as_result() == {"total": 7, "GET": 7}
