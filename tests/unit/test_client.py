# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shared client: pagination, exact-name look-ups, errors, cookies, retries, TLS."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils import _client
from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import (
    Conflict,
    HarborClient,
    NotFound,
    ServerError,
    TransportError,
    Unauthorized,
)

from .http_script import Call, ScriptedHTTP, error

BASE = "/api/v2.0"


def scripted(calls, **kwargs):
    kwargs.setdefault("auth_method", "basic")  # the session login is tested against the emulator (tests/emulator)
    client = HarborClient("https://harbor.example.com", kwargs.pop("username", "admin"), "pw", **kwargs)
    http = ScriptedHTTP(calls)
    client.session.mount("https://", http)
    return client, http


def test_paginate_follows_link_header_at_page_size_100():
    link = '</api/v2.0/projects?page=2&page_size=100>; rel="next"'
    calls = [
        Call("GET", BASE + "/projects", query={"page": "1", "page_size": "100"}, answer=[{"n": i} for i in range(100)],
             headers={"Link": link, "X-Total-Count": "150"}),
        Call("GET", BASE + "/projects", query={"page": "2", "page_size": "100"}, answer=[{"n": i} for i in range(100, 150)],
             headers={"Link": '</api/v2.0/projects?page=1&page_size=100>; rel="prev"', "X-Total-Count": "150"}),
    ]
    client, http = scripted(calls)
    items = client.paginate("/projects")
    assert [i["n"] for i in items] == list(range(150))
    http.assert_done()


def test_paginate_link_with_prev_and_next():
    link = '</api/v2.0/robots?page=1&page_size=100>; rel="prev" , </api/v2.0/robots?page=3&page_size=100>; rel="next"'
    assert _client._next_link(type("R", (), {"headers": {"Link": link}})()) == "/api/v2.0/robots?page=3&page_size=100"


def test_paginate_counts_pages_when_a_proxy_strips_link():
    calls = [
        Call("GET", BASE + "/projects", query={"page": "1", "page_size": "100"}, answer=[{}] * 100, headers={"X-Total-Count": "101"}),
        Call("GET", BASE + "/projects", query={"page": "2", "page_size": "100"}, answer=[{}], headers={"X-Total-Count": "101"}),
    ]
    client, http = scripted(calls)
    assert len(client.paginate("/projects")) == 101
    http.assert_done()


def test_find_by_name_checks_equality_because_harbor_filters_are_fuzzy():
    calls = [Call("GET", BASE + "/registries", query={"q": "name=hub", "page": "1", "page_size": "100"},
                  answer=[{"id": 1, "name": "hub-eu"}, {"id": 2, "name": "github"}])]
    client, http = scripted(calls)
    assert client.find_by_name("/registries", "hub") is None
    http.assert_done()


def test_q_value_survives_harbors_second_unescape():
    # requests encodes '%' once more, Harbor decodes twice: a literal '+' arrives intact
    assert _client.q_value("proj+bot") == "proj%2Bbot"
    with pytest.raises(ValueError):
        _client.q_value("a,b")


def test_repository_names_are_encoded_twice():
    assert _client.repository_param("team/web") == "team%252Fweb"


def test_error_carries_method_path_status_and_harbors_message():
    client, dummy = scripted([Call("POST", BASE + "/projects", status=409,
                                   answer=error(409, "project x already exists", "CONFLICT"))])
    with pytest.raises(Conflict) as caught:
        client.post("/projects", {"project_name": "x"})
    assert str(caught.value) == "POST /projects failed: HTTP 409: project x already exists"
    assert caught.value.code == "CONFLICT"


def test_error_without_harbor_body_uses_text():
    client, dummy = scripted([Call("GET", BASE + "/ping", status=502, raw="Bad Gateway from proxy")], retries=0)
    with pytest.raises(ServerError) as caught:
        client.get("/ping")
    assert "HTTP 502: Bad Gateway from proxy" in str(caught.value)


def test_get_or_none_is_none_on_404_only():
    client, dummy = scripted([Call("GET", BASE + "/projects/x", status=404, answer=error(404, "nf", "NOT_FOUND")),
                              Call("GET", BASE + "/projects/y", status=401, answer=error(401, "unauthorized", "UNAUTHORIZED"))])
    assert client.get_or_none("/projects/x") is None
    with pytest.raises(Unauthorized):
        client.get_or_none("/projects/y")


def test_delete_of_a_missing_resource_is_done_unless_asked():
    client, dummy = scripted([Call("DELETE", BASE + "/x/1", status=404, answer=error(404, "nf")),
                              Call("DELETE", BASE + "/x/1", status=404, answer=error(404, "nf"))])
    assert client.delete("/x/1") is None
    with pytest.raises(NotFound):
        client.delete("/x/1", missing_ok=False)


def test_empty_body_is_none():
    client, dummy = scripted([Call("GET", BASE + "/system/gc/schedule", raw="")])
    assert client.get("/system/gc/schedule") is None


def test_location_id():
    assert _client.id_from_location("/api/v2.0/projects/12") == 12
    assert _client.id_from_location("/api/v2.0/scanners/5d2f-aa") == "5d2f-aa"
    assert _client.id_from_location(None) is None


@pytest.mark.parametrize("url, expected", [
    ("harbor.example.com", "https://harbor.example.com"),
    ("https://harbor.example.com/", "https://harbor.example.com"),
    ("http://127.0.0.1:8080/api/v2.0", "http://127.0.0.1:8080"),
])
def test_base_url_normalised(url, expected):
    assert HarborClient(url).base_url == expected


@pytest.mark.parametrize("url", ["", "ftp://x", "https://admin:pw@harbor.example.com"])
def test_bad_url_refused(url):
    with pytest.raises(ValueError):
        HarborClient(url)


def test_tls_verification_on_by_default_and_ca_path_used(tmp_path):
    assert HarborClient("https://h").session.verify is True
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    assert HarborClient("https://h", ca_path=str(ca)).session.verify == str(ca)
    assert HarborClient("https://h", validate_certs=False, ca_path="/etc/ca.pem").session.verify is False
    with pytest.raises(ValueError) as missing:  # a clear error now, not requests' OSError at the first request
        HarborClient("https://h", ca_path="/nonexistent/ca.pem")
    assert "ca_path /nonexistent/ca.pem: no such file" in str(missing.value)


class _Scripted(BaseHTTPRequestHandler):
    """A tiny real server: answers each request with the next scripted status and counts requests."""

    protocol_version = "HTTP/1.1"
    script = []
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.seen.append((self.command, self.path, self.headers.get("Cookie")))
        status = self.script.pop(0) if self.script else 200
        body = json.dumps({"errors": [{"code": "UNKNOWN", "message": "internal server error"}]} if status >= 400 else {}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "sid=abc123; Path=/")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Scripted.script = []
    _Scripted.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def local_client(server, **kwargs):
    kwargs.setdefault("auth_method", "basic")
    return HarborClient("http://127.0.0.1:%d" % server.server_address[1], "admin", "pw", backoff_factor=0, **kwargs)


def test_get_is_retried_on_503_and_post_is_not(server):
    client = local_client(server)
    _Scripted.script = [503, 503, 200]
    client.get("/projects")
    assert len(_Scripted.seen) == 3
    _Scripted.seen[:] = []
    _Scripted.script = [503, 200]
    with pytest.raises(ServerError) as caught:
        client.post("/projects", {"project_name": "x"})
    assert caught.value.status == 503
    assert len(_Scripted.seen) == 1


def test_retries_give_up_with_the_last_error(server):
    client = local_client(server, retries=2)
    _Scripted.script = [504, 504, 504, 504]
    with pytest.raises(ServerError):
        client.put("/projects/1", {})
    assert len(_Scripted.seen) == 3


def test_with_basic_auth_no_cookie_is_ever_sent_back(server):
    client = local_client(server)
    client.get("/projects")
    client.put("/projects/1", {})
    assert [cookie for dummy, dummy2, cookie in _Scripted.seen] == [None, None]
    assert len(client.session.cookies) == 0


def test_unreachable_url_is_a_transport_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    client = HarborClient("http://127.0.0.1:%d" % port, retries=1, backoff_factor=0)
    with pytest.raises(TransportError) as caught:
        client.get("/ping")
    assert "cannot reach Harbor at http://127.0.0.1:%d" % port in str(caught.value)
    assert caught.value.status is None


def test_poll_reads_until_finished_with_backoff_and_times_out(monkeypatch):
    sleeps = []
    monkeypatch.setattr(_client.time, "sleep", sleeps.append)
    values = iter(["Running", "Running", "Running", "Success"])
    assert _client.poll(lambda: next(values), lambda v: v == "Success", 60, None, delay=0.5, max_delay=1.5) == "Success"
    assert sleeps == [0.5, 1.0, 1.5]
    clock = iter([0, 1, 20])
    monkeypatch.setattr(_client, "_clock", lambda: next(clock))
    with pytest.raises(_client.HarborError, match="still Running"):
        _client.poll(lambda: "Running", lambda v: v == "Success", 10, lambda v: _client.HarborError("still " + v))


def test_a_401_faster_than_harbors_login_lock_is_sent_once_more(monkeypatch):
    monkeypatch.setattr(_client, "LOGIN_FREEZE", 0.05)
    unauthorized = Call("GET", BASE + "/users/current", status=401, answer=error(401, "unauthorized", "UNAUTHORIZED"))
    client, dummy = scripted([unauthorized, Call("GET", BASE + "/users/current", answer={"username": "admin"})])
    assert client.get("/users/current") == {"username": "admin"}
    client, dummy = scripted([unauthorized, unauthorized])  # still refused after the lock: a real refusal
    with pytest.raises(Unauthorized):
        client.get("/users/current")
    robot, dummy = scripted([unauthorized], username="robot$ci")  # robots are never locked: not repeated
    with pytest.raises(Unauthorized):
        robot.get("/users/current")
