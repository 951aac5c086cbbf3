"""Route registry keyed by Harbor's own swagger path templates, request/response objects."""

import functools
import json
import urllib.parse

from . import spec
from .errors import HarborError

ROUTES = {}


class Route:
    """A handler for one swagger operation."""

    def __init__(self, method, template, handler, anonymous):
        self.method = method
        self.template = template
        self.handler = handler
        self.anonymous = anonymous


def route(method, template, anonymous=False):
    """Register a handler for `METHOD template` (template exactly as in the swagger, without /api/v2.0).

    anonymous=True lets unauthenticated callers reach the handler (which then decides what they see);
    otherwise the core answers 401 before calling it.
    """
    method = method.upper()

    def decorator(func):
        if spec.operation(method, template) is None:
            raise ValueError('Harbor v2.15.2 has no endpoint %s %s' % (method, template))
        if (method, template) in ROUTES:
            raise ValueError('duplicate route %s %s' % (method, template))
        ROUTES[(method, template)] = Route(method, template, func, anonymous)
        return func
    return decorator


@functools.lru_cache(maxsize=None)
def _compiled_templates():
    """[(template, segments, literal_count)] for every swagger path."""
    compiled = []
    for template in spec.templates():
        segments = template.split('/')[1:]
        literals = sum(1 for seg in segments if not seg.startswith('{'))
        compiled.append((template, segments, literals))
    return compiled


def _match_segments(segments, parts):
    if len(segments) != len(parts):
        return None
    args = {}
    for seg, part in zip(segments, parts):
        if seg.startswith('{'):
            if not part:
                return None
            args[seg[1:-1]] = urllib.parse.unquote(part)
        elif seg != part:
            return None
    return args


def match(method, api_path):
    """Find the route for a path below /api/v2.0 (still percent-encoded as sent).

    Like Harbor behind its nginx: the path is decoded once before routing (so `a%2Fb` becomes two
    segments) and each path parameter is decoded once more (so `a%252Fb` arrives as `a/b`).
    """
    parts = urllib.parse.unquote(api_path).split('/')[1:]
    candidates = []
    for template, segments, literals in _compiled_templates():
        args = _match_segments(segments, parts)
        if args is not None:
            candidates.append((literals, template, args))
    if not candidates:
        raise HarborError(404, 'the path %s%s is not found' % (spec.BASE_PATH, api_path))
    allowed = [c for c in candidates if spec.operation(method, c[1]) is not None]
    if not allowed:
        methods = sorted({m for c in candidates for m in spec.methods_for(c[1])})
        raise HarborError(405, 'method %s is not allowed, but [%s] are' % (method, ','.join(methods)))
    template, args = max(allowed, key=lambda c: c[0])[1:]
    found = ROUTES.get((method, template))
    if found is None:
        raise HarborError(404, 'the Harbor emulator does not implement %s %s yet' % (method, template))
    return found, args


class Request:
    """What a route handler sees."""

    def __init__(self, state, method, path, query, headers, base_url):
        self.state = state
        self.method = method
        self.path = path            # full path as sent, without query, e.g. /api/v2.0/projects
        self.query = query          # {name: [values]} after one decoding
        self.headers = headers
        self.base_url = base_url
        self.args = {}              # validated parameters with defaults
        self.body = None            # validated JSON body
        self.caller = None          # auth.Caller
        self.route = None
        self.server = None          # the EmulatorServer (backend registry, replication workers)


class Response:
    """An HTTP response; the core adds Content-Length and the common headers."""

    def __init__(self, status=200, body=b'', content_type='application/json', headers=None):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.headers = dict(headers or {})


def json_response(obj, status=200, headers=None):
    return Response(status, json.dumps(obj, sort_keys=True, separators=(',', ':')).encode(), headers=headers)


def negotiate(accept, offers):
    """The media type go-openapi's runtime picks (``middleware/negotiate.go``, NegotiateContentType): with no
    Accept header the first offer; otherwise the best q, an exact match beating ``type/*`` beating ``*/*``,
    the earlier offer winning ties."""
    specs = []
    for part in (accept or '').split(','):
        fields = [f.strip() for f in part.split(';')]
        if not fields[0]:
            continue
        q = 1.0
        for field in fields[1:]:
            if field.startswith('q='):
                try:
                    q = float(field[2:])
                except ValueError:
                    q = 0.0
        specs.append((fields[0].lower(), q))
    if not specs:
        return offers[0]
    best, best_q, best_wild = '', -1.0, 3
    for offer in offers:
        for value, q in specs:
            if q == 0.0 or q < best_q:
                continue
            if value == '*/*':
                wild, matches = 2, True
            elif value.endswith('/*'):
                wild, matches = 1, offer.startswith(value[:-1])
            else:
                wild, matches = 0, value == offer
            if matches and (q > best_q or best_wild > wild):
                best, best_q, best_wild = offer, q, wild
    return best


def text_response(req, text):
    """An operation that ``produces: text/plain`` (job logs, ping). Harbor's API also offers its default
    producer, JSON, so a caller that asks for ``application/json`` gets the text as one JSON string."""
    if negotiate(req.headers.get('Accept'), ('text/plain', 'application/json')) == 'application/json':
        return Response(200, json.dumps(text).encode())
    return Response(200, text.encode(), content_type='text/plain')


def ok():
    """Harbor's update/delete answer: 200 with an empty body."""
    return Response(200)


def created(location):
    """Harbor's create answer: 201, relative Location, no body."""
    return Response(201, headers={'Location': location})
