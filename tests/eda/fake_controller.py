# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A fake AWX / Automation Controller on 127.0.0.1: the few calls ansible-rulebook's run_job_template and
run_workflow_template make (ansible_rulebook/job_template_runner.py, shared_job_monitor.py), launches recorded.

    GET  /api/v2/config/                                   {"version": ...}
    GET  /api/v2/unified_job_templates/?name=N             the template named N (job or workflow), organization Default
    GET  /api/v2/organizations/?name=N                     the organization (labels: not asked, never called)
    POST /api/v2/job_templates/<id>/launch/                a job, recorded: {"kind", "name", "extra_vars", "at"}
    POST /api/v2/workflow_job_templates/<id>/launch/       a workflow job, recorded the same way
    GET  /api/v2/jobs/?id__in=1,2  /api/v2/workflow_jobs/?id__in=...   each job "successful"

Anything else answers 404 and is kept in ``unexpected`` (a test can assert it is empty).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

ORGANIZATION = {"id": 1, "name": "Default"}


class FakeController:
    """Serve the controller API on a free 127.0.0.1 port; ``launches`` lists what was launched, in order."""

    def __init__(self, job_templates=(), workflow_job_templates=(), organization="Default"):
        self.organization = {"id": 1, "name": organization}
        self.templates = []
        for kind, names in (("job_template", job_templates), ("workflow_job_template", workflow_job_templates)):
            for name in names:
                self.templates.append({"id": len(self.templates) + 1, "type": kind, "name": name})
        self.launches: list[dict] = []
        self.unexpected: list[str] = []
        self.jobs: dict[str, dict] = {}  # "jobs/3" -> job
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-controller", daemon=True)

    @property
    def url(self) -> str:
        return "http://127.0.0.1:%d/" % self._server.server_address[1]

    def start(self) -> FakeController:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def launched(self, name=None) -> list[dict]:
        with self._lock:
            return [dict(launch) for launch in self.launches if name is None or launch["name"] == name]

    # -- the API -------------------------------------------------------------------------------------------------

    def _template_view(self, template):
        slug = "job_templates" if template["type"] == "job_template" else "workflow_job_templates"
        return {
            "id": template["id"],
            "type": template["type"],
            "name": template["name"],
            "url": "/api/v2/%s/%d/" % (slug, template["id"]),
            "related": {"launch": "/api/v2/%s/%d/launch/" % (slug, template["id"])},
            "summary_fields": {"organization": dict(self.organization)},
            "ask_limit_on_launch": False,
            "ask_labels_on_launch": False,
            "ask_inventory_on_launch": False,
            "ask_variables_on_launch": True,
        }

    def get(self, path, query):
        if path == "/api/v2/config/":
            return 200, {"version": "4.6.0-fake", "license_info": {}}
        if path == "/api/v2/unified_job_templates/":
            name = query.get("name", [None])[0]
            found = [self._template_view(t) for t in self.templates if name is None or t["name"] == name]
            return 200, {"count": len(found), "next": None, "previous": None, "results": found}
        if path == "/api/v2/organizations/":
            name = query.get("name", [None])[0]
            found = [dict(self.organization)] if name in (None, self.organization["name"]) else []
            return 200, {"count": len(found), "next": None, "previous": None, "results": found}
        for slug in ("jobs", "workflow_jobs"):
            if path == "/api/v2/%s/" % slug:
                ids = [i for i in query.get("id__in", [""])[0].split(",") if i]
                with self._lock:
                    found = [dict(self.jobs[key]) for key in ("%s/%s" % (slug, i) for i in ids) if key in self.jobs]
                return 200, {"count": len(found), "next": None, "previous": None, "results": found}
        return None

    def post(self, path, body):
        for template in self.templates:
            view = self._template_view(template)
            if path == view["related"]["launch"]:
                slug = "jobs" if template["type"] == "job_template" else "workflow_jobs"
                with self._lock:
                    job_id = len(self.jobs) + 1
                    job = {
                        "id": job_id,
                        "type": "job" if slug == "jobs" else "workflow_job",
                        "url": "/api/v2/%s/%d/" % (slug, job_id),
                        "name": template["name"],
                        "status": "successful",
                        "created": "2026-12-06T00:00:00.000000Z",
                        "artifacts": {},
                    }
                    self.jobs["%s/%d" % (slug, job_id)] = job
                    self.launches.append(
                        {
                            "kind": template["type"],
                            "name": template["name"],
                            "extra_vars": body.get("extra_vars", {}),
                            "at": time.monotonic(),
                        }
                    )
                answer = dict(job, status="pending", ignored_fields={})
                answer["job"] = job_id
                answer["workflow_job" if slug == "workflow_jobs" else "job"] = job_id
                return 201, answer
        return None

    def _handler(self):
        controller = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, result):
                if result is None:
                    with controller._lock:
                        controller.unexpected.append("%s %s" % (self.command, self.path))
                    status, body = 404, {"detail": "Not found."}
                else:
                    status, body = result
                data = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlparse(self.path)
                self._answer(controller.get(url.path, parse_qs(url.query)))

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("utf-8", "replace")}
                extra_vars = body.get("extra_vars")
                if isinstance(extra_vars, str):  # AWX accepts extra_vars as a JSON / YAML string too
                    body["extra_vars"] = json.loads(extra_vars)
                self._answer(controller.post(urlparse(self.path).path, body))

        return Handler
