# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m atlsim --seed FILE [--host 127.0.0.1] [--port 0] [--strict] [--print-env] [fault flags]``.

Prints ``atlsim listening on http://127.0.0.1:PORT`` and serves until killed (SIGINT/SIGTERM). ``--print-env`` (what
``make simulator`` passes) also prints the ``export`` block of the modules' environment variables for this server with
the demo seed's public test credentials (:mod:`atlsim.demo`), ready to paste into a shell.
The fault flags set the same knobs as ``POST /_sim/faults``. ``--strict``: strict mode (:mod:`atlsim.strict`; without
the flag, ``ATLSIM_STRICT`` decides).
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys

from . import DEMO_SEED, demo
from .app import create_app
from .server import SimServer, check_loopback


def _fail_next(text: str) -> dict:
    """``STATUS:COUNT[:METHOD[:PATH_PREFIX]]``"""
    parts = text.split(":", 3)
    try:
        rule = {"status": int(parts[0]), "count": int(parts[1]) if len(parts) > 1 else 1}
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--fail-next wants STATUS:COUNT[:METHOD[:PATH_PREFIX]]") from exc
    if len(parts) > 2 and parts[2]:
        rule["method"] = parts[2]
    if len(parts) > 3 and parts[3]:
        rule["path_prefix"] = parts[3]
    return rule


def _slow_next(text: str) -> dict:
    """``COUNT:SECONDS``"""
    try:
        count, seconds = text.split(":", 1)
        return {"count": int(count), "seconds": float(seconds)}
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--slow-next wants COUNT:SECONDS") from exc


def _faults(text: str) -> dict:
    """A JSON object of knobs, as ``POST /_sim/faults`` takes it."""
    try:
        knobs = json.loads(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("--faults wants a JSON object of fault knobs") from exc
    if not isinstance(knobs, dict):
        raise argparse.ArgumentTypeError("--faults wants a JSON object of fault knobs")
    return knobs


def env_block(url: str) -> str:
    """The modules' environment variables for the simulator at ``url`` with the demo seed's public test credentials
    (the admin's API token, the organization admin key, the SCIM key): ``export`` lines for a POSIX shell, after an
    ``unset`` of the other Bitbucket auth variables (a second auth method makes the modules fail)."""
    variables = (
        ("BITBUCKET_API_URL", url + "/2.0"),
        ("BITBUCKET_USERNAME", demo.ADMIN[0]),
        ("BITBUCKET_API_TOKEN", demo.ADMIN[1]),
        ("ATLASSIAN_ADMIN_URL", url),
        ("ATLASSIAN_ORG_ID", demo.ORG_ID),
        ("ATLASSIAN_ADMIN_API_KEY", demo.ADMIN_API_KEY),
        ("ATLASSIAN_SCIM_URL", url),
        ("ATLASSIAN_SCIM_DIRECTORY_ID", demo.SCIM_DIRECTORY),
        ("ATLASSIAN_SCIM_TOKEN", demo.SCIM_API_KEY),
    )
    lines = [
        "# The modules' environment for this simulator: paste into your shell (the demo seed's public test",
        "# credentials, atlsim/demo.py; they are no real secrets and work only here).",
        "unset BITBUCKET_ACCESS_TOKEN BITBUCKET_CLIENT_ID BITBUCKET_CLIENT_SECRET",
    ]
    lines += ["export %s=%s" % (name, shlex.quote(value)) for name, value in variables]
    return "\n".join(lines) + "\n"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="atlsim", description="Local Bitbucket Cloud + Atlassian SCIM simulator")
    p.add_argument("--seed", default=str(DEMO_SEED), help="YAML/JSON seed file (default: the demo seed)")
    p.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: a free port)")
    p.add_argument("--no-scim-extension", action="store_true", help="serve plain SCIM (without the Atlassian extension schema)")
    p.add_argument(
        "--strict",
        action="store_true",
        default=None,
        help="strict mode: 400 to any query parameter, BBQL field, SCIM filter or body field the official "
        "documents do not state (default: the ATLSIM_STRICT environment variable)",
    )
    p.add_argument(
        "--print-env",
        action="store_true",
        help="after starting, print the export block of the modules' environment variables for this server (the "
        "demo seed's public test credentials)",
    )
    p.add_argument("--latency-ms", type=int)
    p.add_argument("--error-rate", type=float)
    p.add_argument("--error-statuses", help="comma-separated, e.g. 500,502,503")
    p.add_argument("--fault-seed", type=int)
    p.add_argument("--fail-next", type=_fail_next, action="append", metavar="STATUS:COUNT[:METHOD[:PATH_PREFIX]]")
    p.add_argument("--burst-429", type=int)
    p.add_argument("--drop-next", type=int)
    p.add_argument("--slow-next", type=_slow_next, metavar="COUNT:SECONDS")
    p.add_argument("--lose-write-answer-next", type=int)
    p.add_argument("--malformed-json-next", type=int)
    p.add_argument("--rate-limit", type=int, help="override every rate limit (requests per window)")
    p.add_argument("--pagination", choices=("page", "iterator"))
    p.add_argument(
        "--faults",
        type=_faults,
        metavar="JSON",
        help="any knobs as a JSON object, e.g. '{\"ignore_filters\": 5}' (applied before the flags above)",
    )
    return p


def knobs_from(args: argparse.Namespace) -> dict:
    knobs = dict(getattr(args, "faults", None) or {})
    for name in (
        "latency_ms",
        "error_rate",
        "fault_seed",
        "fail_next",
        "burst_429",
        "drop_next",
        "slow_next",
        "lose_write_answer_next",
        "malformed_json_next",
        "rate_limit",
        "pagination",
    ):
        value = getattr(args, name)
        if value is not None:
            knobs[name] = value
    if args.error_statuses:
        knobs["error_statuses"] = [int(item) for item in args.error_statuses.split(",") if item.strip()]
    return knobs


def main(argv=None) -> int:
    cli = parser()
    args = cli.parse_args(argv)
    try:
        check_loopback(args.host)
        app = create_app(args.seed, scim_extension=not args.no_scim_extension, strict=args.strict)
        knobs = knobs_from(args)
        if knobs:
            app.configure_faults(knobs)
        server = SimServer(app, host=args.host, port=args.port)
    except (ValueError, OSError, RuntimeError) as exc:  # RuntimeError: strict mode without the official documents
        cli.error(str(exc))

    def _stop(signum, frame):  # pylint: disable=unused-argument
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    sys.stdout.write("atlsim listening on %s\n" % server.url)
    sys.stdout.write("atlsim strict mode: %s\n" % ("on" if app.strict else "off"))
    if args.print_env:
        sys.stdout.write("\n" + env_block(server.url) + "\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.close_connections()
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
