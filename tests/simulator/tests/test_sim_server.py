# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTTP server does not hold small answers back: TCP_NODELAY on accepted sockets, one write per answer.

Without both, every small answer on a reused keep-alive connection waited ~40 ms (Nagle + the client's delayed
ACK). These tests check the socket option and the number of writes themselves, never a duration.
"""

from __future__ import annotations

import http.client
import io
import socket

from atlsim import DEMO_SEED, demo
from atlsim.app import create_app
from atlsim.server import SimServer, _Handler


def test_accepted_sockets_have_tcp_nodelay():
    with SimServer(create_app(DEMO_SEED)) as server:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
        try:
            for _attempt in range(3):  # keep-alive: the same connection, the same server-side socket
                conn.request("GET", "/2.0/user", headers=demo.basic(*demo.ADMIN))
                answer = conn.getresponse()
                answer.read()
                assert answer.status == 200
                assert answer.getheader("Connection") != "close"
            sockets = server.httpd.open_sockets()
            assert len(sockets) == 1 and server.httpd.connections_accepted == 1
            assert sockets[0].getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        finally:
            conn.close()


class _Writes(io.RawIOBase):
    def __init__(self):
        super().__init__()
        self.chunks: list = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)


def _handler(command: str = "GET") -> _Handler:
    handler = _Handler.__new__(_Handler)  # no socket: only _send is exercised
    handler.command, handler.request_version, handler.requestline = command, "HTTP/1.1", command + " / HTTP/1.1"
    handler.close_connection = False
    handler.wfile = _Writes()
    return handler


def test_an_answer_is_one_write():
    handler = _handler()
    handler._send("200 OK", [("Content-Type", "application/json"), ("Connection", "keep-alive")], b'{"a": 1}')
    assert len(handler.wfile.chunks) == 1
    head, body = handler.wfile.chunks[0].split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"\r\nContent-Length: 8" in head
    assert b"keep-alive" not in head  # hop-by-hop headers of the app are dropped
    assert body == b'{"a": 1}'


def test_bodiless_answers_are_one_write_too():
    for command, status, body in (
        ("DELETE", "204 No Content", b""),
        ("HEAD", "200 OK", b"{}"),
        ("GET", "404 Not Found", b"x" * 70000),
    ):
        handler = _handler(command)
        handler._send(status, [("Content-Type", "application/json")], body)
        assert len(handler.wfile.chunks) == 1
        head, rest = handler.wfile.chunks[0].split(b"\r\n\r\n", 1)
        assert rest == (b"" if command == "HEAD" or status.startswith("204") else body)
        assert (b"Content-Length" in head) is (not status.startswith("204"))
