# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A threaded HTTP/1.1 WSGI server with keep-alive, for loopback addresses only.

Werkzeug's development server closes every connection after one answer; clients that reuse
connections (requests.Session) must be exercised with keep-alive, and the fault knobs need a
server that can close a connection without answering (:class:`atlsim.web.DropConnection`).
"""

from __future__ import annotations

import io
import ipaddress
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_to_bytes, urlsplit

from .web import DropConnection

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade"}
MAX_BODY = 50 * 1024 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "atlsim"
    sys_version = ""
    timeout = 60  # an idle keep-alive connection is closed after this many seconds
    # TCP_NODELAY on every accepted socket (StreamRequestHandler.setup): with Nagle on, a small answer on a reused
    # keep-alive connection waits for the client's delayed ACK (~40 ms on Linux) before it leaves
    disable_nagle_algorithm = True

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin,unused-argument
        """Quiet: the simulator has its own request log."""

    def _read_chunked(self) -> bytes:
        body = bytearray()
        while True:
            size = int(self.rfile.readline(1024).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return bytes(body)
            body += self.rfile.read(size)
            self.rfile.readline(1024)
            if len(body) > MAX_BODY:
                raise ValueError("request body too large")

    def _read_body(self) -> bytes:
        """The request body. Without Content-Length or Transfer-Encoding it is empty (RFC 9112 6.3),
        whatever the method: ``curl -X POST URL`` sends neither."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        size = int(length)
        if size < 0 or size > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(size) if size else b""

    def _environ(self, body: bytes) -> dict:
        target = urlsplit(self.path)
        host, port = self.server.server_address[:2]
        environ = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(target.path or "/").decode("latin-1"),
            "QUERY_STRING": target.query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": str(self.client_address[1]),
            "REQUEST_URI": self.path,
            "RAW_URI": self.path,
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name in self.headers:
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            environ[key] = ",".join(self.headers.get_all(name) or ())
        return environ

    def _send(self, status: str, headers: list, body: bytes) -> None:
        code = int(status.split(None, 1)[0])
        self.send_response(code, status.split(None, 1)[1] if " " in status else "")
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        no_body = self.command == "HEAD" or code in (204, 304) or 100 <= code < 200
        if code not in (204, 304) and not 100 <= code < 200:
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # status line, headers and body leave in ONE write (one segment for a small answer), not end_headers()
        # and then the body: a second small write would be held back by Nagle until the first is ACKed
        buffer = getattr(self, "_headers_buffer", [])  # http.server's pending header lines (none for HTTP/0.9)
        self._headers_buffer = []
        if buffer:
            buffer.append(b"\r\n")
        if not no_body and body:
            buffer.append(body)
        self.wfile.write(b"".join(buffer))
        self.wfile.flush()

    def _log_own_answer(self, status: int) -> None:
        """Put an answer the server gives by itself (the app never saw the request) in the request log."""
        record = getattr(self.server.app, "log_server_answer", None)
        if record is not None:
            record(self._environ(b""), status)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def handle_one_request(self) -> None:
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except (OSError, ValueError):
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > 65536:
            self.send_error(414)
            return
        if not self.parse_request():
            return
        try:
            body = self._read_body()
        except ValueError:
            self.close_connection = True
            self._log_own_answer(400)
            self._send("400 Bad Request", [("Content-Type", "text/plain")], b"Bad request body")
            return
        captured: dict = {}

        def start_response(status, headers, exc_info=None):  # pylint: disable=unused-argument
            captured["status"], captured["headers"] = status, headers
            return lambda data: captured.setdefault("written", []).append(data)

        try:
            result = self.server.app(self._environ(body), start_response)
            try:
                payload = b"".join(captured.get("written", [])) + b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except DropConnection:
            self._drop()
            return
        except Exception:  # pylint: disable=broad-except
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._send(
                "500 Internal Server Error",
                [("Content-Type", "application/json")],
                b'{"type": "error", "error": {"message": "Internal Server Error"}}',
            )
            return
        try:
            self._send(captured["status"], captured["headers"], payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address, app):
        super().__init__(address, _Handler)
        self.app = app
        self._connections: set = set()
        self._conn_lock = threading.Lock()
        self.connections_accepted = 0

    def process_request(self, request, client_address):
        with self._conn_lock:
            self._connections.add(request)
            self.connections_accepted += 1
        super().process_request(request, client_address)

    def open_sockets(self) -> list:
        """The server-side sockets of the connections open now (tests check their options)."""
        with self._conn_lock:
            return list(self._connections)

    def shutdown_request(self, request):
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._conn_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError("atlsim only listens on loopback addresses, not %r" % host)


class SimServer:
    """Serve ``app`` on ``host:port`` (port 0: a free one) in a background thread."""

    def __init__(self, app, host: str = "127.0.0.1", port: int = 0):
        check_loopback(host)
        self.app = app
        self.httpd = _Server((host, port), app)
        self.host, self.port = self.httpd.server_address[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = "[%s]" % self.host if ":" in self.host else self.host
        return "http://%s:%d" % (host, self.port)

    def start(self) -> SimServer:
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="atlsim-%d" % self.port, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self.httpd.close_connections()
        self.httpd.server_close()

    def __enter__(self) -> SimServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
