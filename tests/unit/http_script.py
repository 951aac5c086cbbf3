# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scripted HTTP for unit tests: every request must be the next one the test expects.

A ``ScriptedHTTP`` is mounted on the client's requests session as its transport. An unexpected
request fails the test at once, and ``assert_done`` fails when an expected request was not sent, so a
check-mode test that scripts only GETs proves nothing was written.
"""

import json
import threading
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

ANY = object()


class Call(object):
    """One expected request and its scripted answer."""

    def __init__(self, method, path, query=None, body=ANY, status=200, answer=None, headers=None,
                 request_headers=None, raw=None):
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        self.status = status
        self.answer = answer
        self.headers = headers or {}
        self.request_headers = request_headers or {}
        self.raw = raw


def _parsed_body(request):
    """A JSON body parsed; a form body (the session login) as its field names only, its values unseen."""
    if not request.body:
        return None
    if "application/x-www-form-urlencoded" in (request.headers.get("Content-Type") or ""):
        raw = request.body if isinstance(request.body, str) else request.body.decode()
        return {"form": sorted(parse_qs(raw))}
    return json.loads(request.body)


class ScriptedHTTP(BaseAdapter):
    def __init__(self, calls, ordered=True):
        """``ordered=False`` for concurrent requests: each request takes the first scripted call of its method
        and path, wherever it is in the script."""
        super(ScriptedHTTP, self).__init__()
        self.calls = list(calls)
        self.sent = []
        self.ordered = ordered
        self._lock = threading.Lock()

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        body = _parsed_body(request)
        seen = "%s %s?%s body=%s" % (request.method, parts.path, parts.query, body)
        with self._lock:
            self.sent.append(seen)
            if not self.calls:
                raise AssertionError("unexpected request: %s" % seen)
            index = 0
            if not self.ordered:
                index = next((i for i, c in enumerate(self.calls) if (c.method, c.path) == (request.method, parts.path)), 0)
            call = self.calls.pop(index)
        assert (request.method, parts.path) == (call.method, call.path), "expected %s %s, got %s" % (
            call.method, call.path, seen)
        if call.query is not None:
            query = dict((k, v[0] if len(v) == 1 else v) for k, v in parse_qs(parts.query).items())
            assert query == call.query, "query of %s: expected %r" % (seen, call.query)
        if call.body is not ANY:
            assert body == call.body, "body of %s: expected %r" % (seen, call.body)
        for name, value in call.request_headers.items():
            assert request.headers.get(name) == value, "header %s of %s: %r" % (name, seen, request.headers.get(name))
        return self._response(request, call)

    @staticmethod
    def _response(request, call):
        response = requests.Response()
        response.status_code = call.status
        response.headers = CaseInsensitiveDict(call.headers)
        if call.raw is not None:
            response._content = call.raw.encode()
        elif call.answer is not None:
            response._content = json.dumps(call.answer).encode()
            response.headers.setdefault("Content-Type", "application/json")
        else:
            response._content = b""
        response._content_consumed = True  # the body is all there: iter_content and close work as on a real answer
        response.url = request.url
        response.request = request
        response.reason = "scripted"
        return response

    def close(self):
        pass

    def assert_done(self):
        assert not self.calls, "expected requests not sent: %s" % ["%s %s" % (c.method, c.path) for c in self.calls]


def error(status, message, code="BAD_REQUEST"):
    """Harbor's error body."""
    return {"errors": [{"code": code, "message": message}]}
