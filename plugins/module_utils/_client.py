# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one HTTP client every harbor_ops.harbor module uses.

Private to the collection (leading underscore): no compatibility promise to other collections.

- one ``requests.Session`` per module run (keep-alive) and one login: Harbor v2.15 re-hashes a user's password
  (PBKDF2-SHA256, 600,000 iterations, about 130 ms of Harbor CPU) on every basic-auth request, so a user account
  logs in once (``POST /c/login``), keeps the ``sid`` cookie in memory only, sends Harbor's CSRF token (which
  Harbor enforces on every write that carries a session) and logs out when the run ends. Robot accounts, and
  users whose login Harbor refuses (an OIDC user with a CLI secret), use basic auth, and then no cookie at all
  is kept: Harbor answers basic-auth requests with a ``sid`` too, and a client that sent it back would have
  its writes refused for want of a CSRF token;
- retries with backoff only where a repeat is safe (GET, HEAD, PUT, DELETE on 502/503/504 and on
  connection errors); a POST or PATCH is re-sent only when the connection failed before it was sent;
- pagination at Harbor's maximum page size, following the ``Link`` header;
- typed errors that carry the method, path, status and Harbor's own message, never a credential.
"""

import os
import re
import time
import traceback
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import quote, urlsplit

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

API_PREFIX = "/api/v2.0"
PAGE_SIZE = 100  # Harbor's maximum; a larger page_size is answered with 422
RETRY_STATUSES = (502, 503, 504)
SAFE_TO_REPEAT = frozenset(("GET", "HEAD", "PUT", "DELETE"))
NAME_HEADER = {"X-Is-Resource-Name": "true"}
TEXT_HEADER = {"Accept": "text/plain"}
# After a failed login Harbor refuses every login of that principal for 1.5 s, at once and without checking the
# password, and answers the failed request itself only after sleeping those 1.5 s (src/core/auth/authenticator.go,
# frozenTime; basic auth and POST /c/login alike). A refusal faster than that is the lock, not the password.
LOGIN_FREEZE = 1.5


class HarborError(Exception):
    """A request to Harbor failed. ``status`` is the HTTP status, or None when no answer came."""

    def __init__(self, message, method=None, path=None, status=None, code=None):
        super(HarborError, self).__init__(message)
        self.harbor_message = message
        self.method = method
        self.path = path
        self.status = status
        self.code = code

    def __str__(self):
        where = "%s %s" % (self.method, self.path) if self.method else "Harbor request"
        if self.status is None:
            return "%s failed: %s" % (where, self.harbor_message)
        return "%s failed: HTTP %s: %s" % (where, self.status, self.harbor_message)


class TransportError(HarborError):
    """No HTTP answer: connection refused, DNS, timeout or TLS verification."""


class BadRequest(HarborError):
    """400 or 422: Harbor rejected the request's content."""


class Unauthorized(HarborError):
    """401: wrong or missing credentials."""


class Forbidden(HarborError):
    """403: the account may not do this (or a CSRF check fired)."""


class NotFound(HarborError):
    """404."""


class Conflict(HarborError):
    """409: a resource with this identity already exists."""


class PreconditionFailed(HarborError):
    """412: Harbor refused because of the resource's state (e.g. a project that still holds repositories)."""


class ServerError(HarborError):
    """5xx. Harbor logs the real reason server-side and answers 'internal server error'."""


_ERRORS_BY_STATUS = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound,
                     409: Conflict, 412: PreconditionFailed, 422: BadRequest}


def error_for_status(status):
    """The exception class for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _ERRORS_BY_STATUS.get(status, HarborError)


def harbor_message(response):
    """Harbor's own error text from ``{"errors":[{"code":..,"message":..}]}``, else the raw body."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        parts = []
        for err in body["errors"]:
            if isinstance(err, dict):
                parts.append(str(err.get("message") or err.get("code") or "").strip())
        parts = [p for p in parts if p]
        if parts:
            return "; ".join(parts), body["errors"][0].get("code")
    text = (response.text or "").strip()
    return (text[:500] or response.reason or "no message"), None


def path_param(value):
    """One path segment, percent-encoded (names may hold characters that are special in URLs)."""
    return quote(str(value), safe="")


def repository_param(repository_name):
    """A repository name as a path segment: Harbor wants its slashes encoded twice (a/b -> a%252Fb)."""
    return quote(quote(str(repository_name), safe=""), safe="")


def q_value(value):
    """A value for Harbor's ``q`` query: the server URL-unescapes ``q`` once more after normal
    decoding, so it is escaped once here (a literal ``+`` would otherwise become a space)."""
    value = str(value)
    if "," in value:
        raise ValueError("Harbor's q query cannot match a value that contains a comma: %r" % value)
    return quote(value, safe="")


def _clock():
    """Seconds for poll's deadline (tests replace it)."""
    return time.time()


def poll(read, finished, timeout, timed_out, delay=1.0, max_delay=None):
    """Call ``read()`` until ``finished(value)``, sleeping ``delay`` seconds between calls (doubled up to
    ``max_delay`` when given); return the last value. After ``timeout`` seconds without a finished value,
    raise the HarborError that ``timed_out(value)`` builds. The one wait loop of every ``wait`` option."""
    deadline = _clock() + timeout
    value = read()
    while not finished(value):
        if _clock() > deadline:
            raise timed_out(value)
        time.sleep(delay)
        if max_delay:
            delay = min(delay * 2, max_delay)
        value = read()
    return value


def id_from_location(location):
    """The id at the end of a Location header such as ``/api/v2.0/projects/12``."""
    if not location:
        return None
    last = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1]
    return int(last) if last.isdigit() else last


AUTH_METHODS = ("auto", "session", "basic")
SESSION_COOKIES = frozenset(("sid", "_gorilla_csrf"))
CSRF_HEADER = "X-Harbor-CSRF-Token"
WRITE_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))


class _SessionCookies(DefaultCookiePolicy):
    """Keep only Harbor's session and CSRF cookies, and only while the client is in session mode."""

    def __init__(self):
        DefaultCookiePolicy.__init__(self)
        self.accept = False

    def set_ok(self, cookie, request):
        return self.accept and cookie.name in SESSION_COOKIES and DefaultCookiePolicy.set_ok(self, cookie, request)


def is_robot(username):
    """Whether a username can only be a robot account. Harbor refuses ``$`` in user names, and robots' names
    start with ``robot_name_prefix`` (``robot$`` unless changed). A prefix without ``$`` cannot be told from a
    user name: such robots should set ``auth_method=basic`` (auto tries a login first, which Harbor refuses)."""
    return bool(username) and "$" in username


class HarborClient(object):
    """A session bound to one Harbor: ``client.get('/projects/x')`` means ``GET {url}/api/v2.0/projects/x``."""

    def __init__(self, url, username=None, password=None, validate_certs=True, ca_path=None,
                 timeout=30, retries=3, backoff_factor=0.5, user_agent="harbor_ops.harbor", auth_method="auto"):
        if not HAS_REQUESTS:
            raise RuntimeError("the requests library is required")
        if auth_method not in AUTH_METHODS:
            raise ValueError("auth_method must be one of %s, got %r" % (", ".join(AUTH_METHODS), auth_method))
        self.base_url = self._base_url(url)
        if validate_certs and ca_path and not os.path.isfile(ca_path):
            raise ValueError("ca_path %s: no such file; give the PEM file of the CA that signed Harbor's certificate"
                             % ca_path)
        self.timeout = timeout
        session = requests.Session()
        self._cookie_policy = _SessionCookies()
        session.cookies.set_policy(self._cookie_policy)
        session.trust_env = True
        session.headers.update({"Accept": "application/json", "User-Agent": user_agent})
        self._credentials = (username, password or "") if username else None
        if username:
            session.auth = self._credentials
        # auto: a session for user accounts; robots (robot$...) keep basic auth, which costs Harbor little for them
        self.auth_method = auth_method
        self._want_session = bool(username) and (auth_method == "session" or
                                                 (auth_method == "auto" and not is_robot(username)))
        self.logged_in = False
        self.logins = 0
        self._csrf_token = None
        # passed with every request: a session-level verify loses to REQUESTS_CA_BUNDLE (requests#3829)
        self.verify = False if not validate_certs else (ca_path or True)
        session.verify = self.verify
        retry = Retry(total=retries, connect=retries, read=retries, status=retries, other=0,
                      backoff_factor=backoff_factor, status_forcelist=RETRY_STATUSES,
                      allowed_methods=SAFE_TO_REPEAT, raise_on_status=False,
                      respect_retry_after_header=True)
        self._retry = retry
        self._mount(session, 4)
        self.session = session
        self.requests_sent = 0
        self._registry_tokens = {}  # repository -> bearer token for /v2/

    def _mount(self, session, pool_size):
        adapter = HTTPAdapter(max_retries=self._retry, pool_connections=1, pool_maxsize=pool_size)
        session.mount("https://", adapter)
        session.mount("http://", adapter)

    def set_pool_size(self, pool_size):
        """Keep up to ``pool_size`` connections, for that many threads sharing this client."""
        self._mount(self.session, max(4, pool_size))

    def ensure_session(self):
        """Log in now if this client will (before threads share it); a no-op otherwise."""
        if self._want_session:
            self.login()

    @staticmethod
    def _base_url(url):
        url = (url or "").strip().rstrip("/")
        if not url:
            raise ValueError("url is required: the Harbor address, for example https://harbor.example.com")
        if "://" not in url:
            url = "https://" + url
        if url.endswith(API_PREFIX):
            url = url[:-len(API_PREFIX)]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("url must be an http:// or https:// address of Harbor, got %r" % url)
        if parts.username or parts.password:
            raise ValueError("url must not carry credentials: use the username and password options")
        return url

    def url_for(self, path):
        """An absolute URL for an API path, or for a server-relative URL from a Link header."""
        if path.startswith("http://") or path.startswith("https://"):
            return path
        if not path.startswith(API_PREFIX):
            path = API_PREFIX + path
        return self.base_url + path

    # -- session login --------------------------------------------------------------------------------

    def _send(self, method, url, display, **kwargs):
        """One HTTP exchange; transport failures become TransportError."""
        try:
            response = self.session.request(method, url, timeout=self.timeout, verify=self.verify, **kwargs)
        except requests.exceptions.SSLError as exc:
            raise TransportError(
                "TLS verification failed for %s: %s. Give ca_path the CA that signed Harbor's "
                "certificate (validate_certs=false turns the check off, which is unsafe)"
                % (self.base_url, _short(exc)), method, display)
        except requests.exceptions.ConnectionError as exc:
            raise TransportError("cannot reach Harbor at %s: %s" % (self.base_url, _short(exc)), method, display)
        except requests.exceptions.Timeout as exc:
            raise TransportError("no answer from Harbor at %s within %ss: %s"
                                 % (self.base_url, self.timeout, _short(exc)), method, display)
        except requests.exceptions.RequestException as exc:
            raise TransportError(_short(exc), method, display)
        finally:
            self.requests_sent += 1
        token = response.headers.get(CSRF_HEADER)
        if token:
            self._csrf_token = token
        return response

    def login(self):
        """Open a Harbor session for the user: fetch a CSRF token, ``POST /c/login``, keep ``sid`` in memory.

        Returns True with a session; False when Harbor refused the login and ``auth_method=auto`` falls back
        to basic auth (an OIDC user's CLI secret is accepted only as basic auth). Raises Unauthorized for a
        refused login with ``auth_method=session``.
        """
        self._want_session = False  # login on first use happens once; request() logs in again once after a 401
        username, password = self._credentials or ("", "")
        self._cookie_policy.accept = True
        self.session.auth = None
        self._send("GET", self.base_url + "/c/log_out", "/c/log_out")  # hands out the CSRF cookie and token
        response = self._retry_if_locked(lambda: self._send(
            "POST", self.base_url + "/c/login", "/c/login", data={"principal": username, "password": password},
            headers={CSRF_HEADER: self._csrf_token or ""}))
        self.logins += 1
        if response.status_code == 200 and "sid" in self.session.cookies:
            self.logged_in = True
            return True
        self._basic_auth()
        if self.auth_method == "session":
            message, code = harbor_message(response)
            raise error_for_status(response.status_code if response.status_code >= 400 else 401)(
                "Harbor refused the session login of %r (auth_method=session): %s. auth_method=basic (or auto) "
                "authenticates every request instead, as Harbor requires for OIDC users' CLI secrets"
                % (username, message), "POST", "/c/login", response.status_code, code)
        return False

    @staticmethod
    def _retry_if_locked(send):
        """Send; if Harbor refused the user at once (401 within LOGIN_FREEZE), which is its lock after someone
        else's failed login of the same name, wait for the lock to end and send once more. A wrong password
        is answered only after Harbor's own 1.5 s pause, so it is never repeated."""
        started = time.monotonic()
        response = send()
        elapsed = time.monotonic() - started
        if response.status_code == 401 and elapsed < LOGIN_FREEZE:
            time.sleep(LOGIN_FREEZE - elapsed + 0.2)
            response = send()
        return response

    def _basic_auth(self):
        self._cookie_policy.accept = False
        self.session.cookies.clear()
        self.session.auth = self._credentials
        self.logged_in = False

    def accepts_login(self, username, password):
        """Whether Harbor accepts these credentials (a robot's secret, say), asked the way ``docker login`` asks:
        ``GET /service/token`` with basic auth, on a connection of its own that carries none of this client's
        session. True on 200, False on 401; any other answer raises."""
        url = self.base_url + "/service/token"
        probe = requests.Session()
        probe.cookies.set_policy(_SessionCookies())  # accepts no cookie
        probe.trust_env = self.session.trust_env
        probe.mount(self.base_url, self.session.get_adapter(url))  # the same connection pool and retries
        try:
            response = probe.get(url, params={"service": "harbor-registry"}, auth=(username, password or ""),
                                 verify=self.verify, timeout=self.timeout,
                                 headers={"User-Agent": self.session.headers.get("User-Agent")})
        except requests.exceptions.RequestException as exc:
            raise TransportError("cannot reach Harbor at %s: %s" % (self.base_url, _short(exc)), "GET", "/service/token")
        finally:
            self.requests_sent += 1
        if response.status_code == 401:
            return False
        if response.status_code >= 400:
            raise_for(response, "GET", "/service/token")
        return True

    def logout(self):
        """End the session (``GET /c/log_out``); nothing without one. Never raises."""
        if not self.logged_in:
            return
        try:
            self._send("GET", self.base_url + "/c/log_out", "/c/log_out")
        except HarborError:
            pass
        self._basic_auth()

    def request(self, method, path, params=None, json=None, headers=None, stream=False):
        """Send one request; return the response for 2xx, raise a typed HarborError otherwise.

        ``stream=True`` leaves the body unread (``response.iter_content``) for large answers such as blobs; the
        caller closes the response."""
        self.ensure_session()
        display = path if path.startswith("/") else "/" + path
        if self._credentials and not self.logged_in and not is_robot(self._credentials[0]):
            response = self._retry_if_locked(
                lambda: self._session_request(method, path, display, params, json, headers, stream))
        else:
            response = self._session_request(method, path, display, params, json, headers, stream)
        if self.logged_in and (response.status_code == 401 or _csrf_refused(response)):
            # the session ended (Harbor restarted: its CSRF key and sessions are per start): log in again, once
            response.close()
            self.session.cookies.clear()
            if self.login():
                response = self._session_request(method, path, display, params, json, headers, stream)
        if response.status_code >= 400:
            raise_for(response, method, display)
        return response

    def registry(self, method, repository, kind, reference, headers=None, stream=False):
        """``/v2/<repository>/<kind>/<reference>`` the way a docker client asks, for 2xx; a typed HarborError otherwise.

        Harbor's ``/v2/`` ignores the session cookie (a private repository answers 401 to a logged-in session), while
        ``/service/token`` honours it: on a 401 with a ``Bearer`` challenge the client gets a token for the challenge's
        scope with its session (no password check) or its basic credentials, keeps it for the repository and asks
        again. Public repositories and basic auth need no token."""
        self.ensure_session()
        display = "/v2/%s/%s/%s" % (repository, kind, reference)
        url = self.base_url + display
        for attempt in (1, 2):
            sent = dict(headers or {})
            token = self._registry_tokens.get(repository)
            if token:
                sent["Authorization"] = "Bearer " + token
            # a callable auth keeps the bearer header (the session's basic auth would replace it)
            response = self._send(method, url, display, headers=sent, stream=stream,
                                  auth=(lambda prepared: prepared) if token else None)
            challenge = response.headers.get("WWW-Authenticate") or ""
            if response.status_code != 401 or attempt == 2 or not challenge.lower().startswith("bearer "):
                break
            response.close()
            self._registry_tokens[repository] = self._registry_token(challenge, repository)
        if response.status_code >= 400:
            raise_for(response, method, display)
        return response

    def _registry_token(self, challenge, repository):
        """A bearer token from Harbor's own ``/service/token`` (never from another host a challenge names: the session
        cookie and the credentials go to this Harbor only)."""
        fields = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
        params = {"service": fields.get("service") or "harbor-registry",
                  "scope": fields.get("scope") or "repository:%s:pull" % repository}
        response = self._send("GET", self.base_url + "/service/token", "/service/token", params=params)
        if response.status_code != 200:
            raise_for(response, "GET", "/service/token")
        answer = self._json(response) or {}
        return answer.get("token") or answer.get("access_token") or ""

    def _session_request(self, method, path, display, params, json, headers, stream=False):
        if self.logged_in and method in WRITE_METHODS:
            headers = dict(headers or {})
            headers[CSRF_HEADER] = self._csrf_token or ""
        return self._send(method, self.url_for(path), display, params=params, json=json, headers=headers,
                          stream=stream)

    @staticmethod
    def _json(response):
        if not response.content or not response.content.strip():
            return None  # Harbor answers some GETs (e.g. an unset schedule) with an empty body
        try:
            return response.json()
        except ValueError:
            return response.text

    def get(self, path, params=None, headers=None):
        return self._json(self.request("GET", path, params=params, headers=headers))

    def get_text(self, path, params=None):
        """A plain-text answer, such as a job log. Harbor's log endpoints produce ``text/plain``; asked with the
        session's ``Accept: application/json`` they answer the same text as one JSON-quoted string."""
        return self.request("GET", path, params=params, headers=TEXT_HEADER).text

    def get_or_none(self, path, params=None, headers=None):
        """GET that answers None when Harbor says 404: a lookup's 'absent'."""
        try:
            return self.get(path, params=params, headers=headers)
        except NotFound:
            return None

    def post(self, path, body=None, params=None, headers=None):
        """POST; returns ``(id_from_location, parsed_body)``."""
        response = self.request("POST", path, params=params, json=body, headers=headers)
        return id_from_location(response.headers.get("Location")), self._json(response)

    def put(self, path, body=None, params=None, headers=None):
        return self._json(self.request("PUT", path, params=params, json=body, headers=headers))

    def patch(self, path, body=None, params=None, headers=None):
        return self._json(self.request("PATCH", path, params=params, json=body, headers=headers))

    def delete(self, path, params=None, headers=None, missing_ok=True):
        """DELETE. A 404 means it is already gone (also after a retried DELETE) unless missing_ok is False."""
        try:
            return self._json(self.request("DELETE", path, params=params, headers=headers))
        except NotFound:
            if missing_ok:
                return None
            raise

    def paginate(self, path, params=None, headers=None, limit=None):
        """Every item of a paginated list, ``PAGE_SIZE`` per request, following Harbor's ``Link: rel="next"``."""
        query = dict(params or {})
        query.setdefault("page", 1)
        query["page_size"] = PAGE_SIZE
        items = []
        url = path
        while url:
            response = self.request("GET", url, params=query, headers=headers)
            page = self._json(response) or []
            if not isinstance(page, list):
                raise HarborError("expected a list from Harbor, got %s" % type(page).__name__, "GET", path,
                                  response.status_code)
            items.extend(page)
            if limit is not None and len(items) >= limit:
                return items[:limit]
            url = _next_link(response)
            query = None  # the next link carries the whole query
            if url is None and page and len(page) == PAGE_SIZE and _more_by_count(response, len(items)):
                # a proxy that strips Link: fall back to counting pages
                query = dict(params or {}, page=len(items) // PAGE_SIZE + 1, page_size=PAGE_SIZE)
                url = path
        return items

    def find_by_name(self, path, name, key="name", params=None, headers=None):
        """The one item of a list whose ``key`` equals ``name`` exactly, or None.

        Harbor's ``name=`` parameter is a fuzzy ILIKE and unknown ``q`` keys are ignored, so the
        query only narrows the list and equality is checked here.
        """
        query = dict(params or {})
        query["q"] = "%s=%s" % (key, q_value(name))
        matches = [item for item in self.paginate(path, query, headers=headers) if item.get(key) == name]
        if len(matches) > 1:
            raise HarborError("more than one item named %r at %s" % (name, path), "GET", path)
        return matches[0] if matches else None

    def close(self):
        """Log out (when logged in) and close the connections."""
        self.logout()
        self.session.close()


def raise_for(response, method, display):
    """Raise the typed HarborError for a refused answer, with Harbor's own message; the response is closed."""
    message, code = harbor_message(response)
    response.close()
    raise error_for_status(response.status_code)(message, method, display, response.status_code, code)


def _csrf_refused(response):
    return response.status_code == 403 and "csrf" in (response.text or "").lower()


def _next_link(response):
    """The next page's URL from Harbor's ``Link`` header (relative; entries joined by ' , ')."""
    link = response.headers.get("Link")
    if not link:
        return None
    for part in link.split(","):
        section = part.strip()
        if 'rel="next"' in section and "<" in section and ">" in section:
            return section[section.index("<") + 1:section.index(">")]
    return None


def _more_by_count(response, seen):
    total = response.headers.get("X-Total-Count")
    return total is not None and total.isdigit() and int(total) > seen


def _short(exc):
    """An exception's text without urllib3's nesting noise."""
    text = str(exc)
    for marker in ("Caused by ", "(Caused by "):
        if marker in text:
            text = text.split(marker, 1)[1].rstrip(")")
    return text.strip()[:400]
