"""Harbor's list conventions: the `q` query language, `sort`, pagination and its headers."""

import datetime
import re
import urllib.parse

from .errors import HarborError
from .routing import json_response

_BAD_ESCAPE = re.compile(r'%(?![0-9A-Fa-f]{2})')
_TIME_FORMAT = '%Y-%m-%dT%H:%M:%S'
_PATH_SAFE = "/:@&+$,;=!*'()~"


def _key(name):
    """q/sort keys may be column names or Go field names: project_id == ProjectID."""
    return name.replace('_', '').lower()


def _typed(text):
    """Range and list values: a time, else an int, else a string without its quotes."""
    text = text.strip()
    try:
        return datetime.datetime.strptime(text, _TIME_FORMAT)
    except ValueError:
        pass
    if re.match(r'^[+-]?\d+$', text):
        return int(text)
    return text.strip('"\'')


def parse_q(raw):
    """Parse `q` (already query-decoded once; Harbor decodes it a second time) into (key, op, value) terms."""
    if not raw:
        return []
    if _BAD_ESCAPE.search(raw):
        raise HarborError(400, 'invalid query string: %s' % raw)
    terms = []
    for item in urllib.parse.unquote_plus(raw).split(','):
        key, sep, value = item.partition('=')
        key = key.strip()
        if not sep or not key or not value:
            raise HarborError(400, 'the query string must contain "=" and the key/value cannot be empty')
        if value.startswith('~'):
            terms.append((key, 'fuzzy', value[1:]))
        elif value.startswith('[') and value.endswith(']') and '~' in value:
            low, dummy, high = value[1:-1].partition('~')
            terms.append((key, 'range', (_typed(low) if low.strip() else None, _typed(high) if high.strip() else None)))
        elif value.startswith('{') and value.endswith('}'):
            terms.append((key, 'or', [_typed(v) for v in value[1:-1].split()]))
        elif value.startswith('(') and value.endswith(')'):
            terms.append((key, 'and', [_typed(v) for v in value[1:-1].split()]))
        else:
            terms.append((key, 'exact', value))
    return terms


def _comparable(field_value, bound):
    if isinstance(bound, datetime.datetime) and isinstance(field_value, str):
        try:
            return datetime.datetime.strptime(field_value[:19], _TIME_FORMAT), bound
        except ValueError:
            return None, None
    if isinstance(bound, int) and isinstance(field_value, (int, float)) and not isinstance(field_value, bool):
        return field_value, bound
    return str(field_value), str(bound)


def _equal(field_value, wanted):
    if isinstance(field_value, bool):
        return str(field_value).lower() == str(wanted).lower()
    left, right = _comparable(field_value, wanted)
    return left == right


def _in_range(field_value, bounds):
    for bound, keep in ((bounds[0], lambda a, b: a >= b), (bounds[1], lambda a, b: a <= b)):
        if bound is None:
            continue
        left, right = _comparable(field_value, bound)
        if left is None or not keep(left, right):
            return False
    return True


def _term_matches(op, value, field_value):
    if field_value is None:
        return False
    if op == 'exact':
        return _equal(field_value, value)
    if op == 'fuzzy':
        return value.lower() in str(field_value).lower()
    if op == 'range':
        return _in_range(field_value, value)
    if op == 'or':
        return any(_equal(field_value, v) for v in value)
    values = field_value if isinstance(field_value, list) else [field_value]
    return all(any(_equal(f, v) for f in values) for v in value)


def apply_q(records, raw_q, fields):
    """Filter records by `q`; fields maps the keys Harbor supports to accessors. Unknown keys are ignored."""
    accessors = {_key(name): get for name, get in fields.items()}
    for key, op, value in parse_q(raw_q):
        get = accessors.get(_key(key))
        if get is not None:
            records = [r for r in records if _term_matches(op, value, get(r))]
    return records


def apply_sort(records, raw_sort, fields, default):
    """`sort=a,-b`; unknown fields are ignored, `default` (same syntax) applies when nothing usable is given."""
    accessors = {_key(name): get for name, get in fields.items()}
    keys = []
    for spec_ in (raw_sort or '').split(','):
        name = spec_.strip().lstrip('-')
        if name and _key(name) in accessors:
            keys.append((accessors[_key(name)], spec_.strip().startswith('-')))
    if not keys:
        return apply_sort(records, default, fields, '') if default else list(records)
    records = list(records)
    for get, descending in reversed(keys):
        records.sort(key=lambda r, get=get: (get(r) is None, get(r) if get(r) is not None else 0), reverse=descending)
    return records


def link_header(req, page, page_size, total):
    """Harbor's Link: relative URLs, prev before next, joined by " , "."""
    if page_size <= 0:
        return None
    path = urllib.parse.quote(urllib.parse.unquote(urllib.parse.unquote(req.path)), safe=_PATH_SAFE)
    links = []
    for rel, number, wanted in (('prev', page - 1, page > 1 and (page - 1) * page_size < total),
                                ('next', page + 1, page_size * page < total)):
        if not wanted:
            continue
        query = dict(req.query, page=[str(number)], page_size=[str(page_size)])
        encoded = urllib.parse.urlencode([(k, v) for k in sorted(query) for v in query[k]])
        links.append('<%s?%s>; rel="%s"' % (path, encoded, rel))
    return ' , '.join(links) or None


def paginate(req, records):
    """Slice records by page/page_size; return (page_records, headers)."""
    total = len(records)
    page = max(req.args.get('page') or 1, 1)
    page_size = req.args.get('page_size')
    page_size = 10 if page_size is None else page_size
    if page_size > 0:
        records = records[(page - 1) * page_size:page * page_size]
    headers = {'X-Total-Count': str(total)}
    link = link_header(req, page, page_size, total)
    if link:
        headers['Link'] = link
    return records, headers


def list_response(req, records, fields, default_sort, present):
    """The one list pipeline: q filter, sort, paginate, then `present(record)` renders each item."""
    records = apply_q(records, req.args.get('q'), fields)
    records = apply_sort(records, req.args.get('sort'), fields, default_sort)
    page, headers = paginate(req, records)
    return json_response([present(r) for r in page], headers=headers)
