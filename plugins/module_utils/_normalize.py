# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Harbor's quirks in one place (private to harbor_ops.harbor).

Every module compares what the user declared with what Harbor returns only after both went
through these functions, so a quirk is handled once and never shows up as a perpetual diff.
"""

import json
import re
from urllib.parse import urlsplit

_TRUE = ("true", "t", "1", "yes", "y", "on")
_FALSE = ("false", "f", "0", "no", "n", "off", "")

# Harbor's regex for project (and robot) names
NAME_PATTERN = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")

_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4, "P": 1024 ** 5}
_SIZE_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(?:I?B)?\s*$", re.IGNORECASE)
MAX_STORAGE_LIMIT = 1024 ** 5  # Harbor refuses quotas above 1024 TiB


class ValidationError(ValueError):
    """Bad user input, found before any request that changes something."""


def harbor_bool(value):
    """Harbor's string booleans ("true"/"false", also "True", "1", "t") as a Python bool; None stays None."""
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError("not a boolean: %r" % (value,))


def bool_str(value):
    """A Python bool as Harbor stores it in project metadata: exactly "true" or "false"."""
    return "true" if value else "false"


def drop_none(data):
    """A copy of a mapping without the keys whose value is None (options the user did not give)."""
    return dict((k, v) for k, v in data.items() if v is not None)


def check_name(option, value):
    """Harbor's name rule for projects and robots, checked before anything is sent."""
    if not value or len(value) > 255 or not NAME_PATTERN.match(value):
        raise ValidationError(
            "%s=%r is not a valid Harbor name: use 1-255 lowercase letters, digits and single '.', '_' or '-' "
            "between them (regex %s)" % (option, value, NAME_PATTERN.pattern))
    return value


def parse_size(option, value):
    """A storage size in bytes from an int or a string such as "10G", "500M", "1.5TiB" (1024-based); -1 is unlimited."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError("%s must be a size such as 10G, 500M or bytes, or -1 for unlimited; got %r" % (option, value))
    if isinstance(value, int):
        size = value
    else:
        text = str(value).strip()
        if text == "-1":
            return -1
        match = _SIZE_PATTERN.match(text)
        if not match:
            raise ValidationError(
                "%s=%r is not a size: give bytes, a number with a unit K, M, G, T or P (1024-based, e.g. 10G, 500M), "
                "or -1 for unlimited" % (option, value))
        size = int(float(match.group(1)) * _SIZE_UNITS[match.group(2).upper()])
    if size == -1:
        return -1
    if size <= 0 or size > MAX_STORAGE_LIMIT:
        raise ValidationError("%s must be -1 (unlimited) or between 1 byte and 1024T; got %r" % (option, value))
    return size


def cve_ids(items):
    """CVE ids from Harbor's ``[{"cve_id": ..}]`` or a plain list, as a sorted list without duplicates."""
    ids = set()
    for item in items or []:
        cve = item.get("cve_id") if isinstance(item, dict) else item
        if cve:
            ids.add(str(cve).strip())
    return sorted(ids)


def cve_allowlist_view(allowlist):
    """A CVE allowlist as ``{"items": [sorted ids], "expires_at": int or None}`` for comparison."""
    allowlist = allowlist or {}
    expires = allowlist.get("expires_at")
    return {"items": cve_ids(allowlist.get("items")), "expires_at": int(expires) if expires not in (None, 0) else None}


def cve_allowlist_body(view):
    """The request body for a CVE allowlist view."""
    return {"items": [{"cve_id": cve} for cve in view["items"]], "expires_at": view["expires_at"]}


def check_cve_allowlist(option, value):
    """Validate and normalise a user's ``{items, expires_at}``."""
    if value is None:
        return None
    option = option + "." if option else ""
    items = value.get("items") or []
    bad = [item for item in items if not isinstance(item, str) or not item.strip()]
    if bad:
        raise ValidationError("%sitems must be a list of CVE ids such as CVE-2024-1234; got %r" % (option, bad))
    expires = value.get("expires_at")
    if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int) or expires <= 0):
        raise ValidationError("%sexpires_at must be a Unix time in seconds, or null for no expiry; got %r" % (option, expires))
    return {"items": cve_ids(items), "expires_at": expires}


ROBOT_PREFIX = "robot$"  # Harbor's default robot_name_prefix
PERMISSION_EFFECTS = ("allow", "deny")


def robot_full_name(name, project=None, prefix=ROBOT_PREFIX):
    """The name Harbor shows and robots log in with: ``robot$name``, or ``robot$project+name`` for a project robot."""
    return "%s%s%s" % (prefix, "%s+" % project if project else "", name)


def robot_permission_set(permissions):
    """Harbor's ``[{kind, namespace, access: [{resource, action, effect}]}]`` as a sorted list of flat entries.

    Harbor stores ``effect`` as sent and omits it when empty; an access without one allows, so a
    missing effect counts as ``allow``. Duplicates collapse, order does not matter.
    """
    entries = set()
    for permission in permissions or []:
        for access in permission.get("access") or []:
            entries.add((permission.get("kind") or "", permission.get("namespace") or "", access.get("resource") or "",
                         access.get("action") or "", access.get("effect") or "allow"))
    return [dict(zip(("kind", "namespace", "resource", "action", "effect"), entry)) for entry in sorted(entries)]


def robot_permissions_body(entries):
    """Flat entries back into Harbor's grouped ``permissions`` (an ``allow`` effect is sent as Harbor's default)."""
    grouped = {}
    for entry in entries:
        access = {"resource": entry["resource"], "action": entry["action"]}
        if entry.get("effect", "allow") != "allow":
            access["effect"] = entry["effect"]
        grouped.setdefault((entry["kind"], entry["namespace"]), []).append(access)
    return [{"kind": kind, "namespace": namespace, "access": access}
            for (kind, namespace), access in sorted(grouped.items())]


def normalize_url(value, keep_query=False):
    """A URL as Harbor stores it: trimmed, http:// when no scheme, no trailing slash, and no query or
    fragment unless ``keep_query`` (registry endpoints and webhook addresses drop them; scanner URLs keep them)."""
    if value is None:
        return None
    url = str(value).strip()
    if not url:
        return url
    if "://" not in url:
        url = "http://" + url
    if not keep_query:
        url = url.split("#", 1)[0].split("?", 1)[0]
    return url.rstrip("/")


PASSWORD_RULE = "8-128 characters with at least one uppercase letter, one lowercase letter and one digit"


def check_password(option, value):
    """Harbor's password policy, checked before anything is sent (the message never shows the password)."""
    if value is None:
        return None
    ok = (8 <= len(value) <= 128 and re.search("[A-Z]", value) and re.search("[a-z]", value)
          and re.search("[0-9]", value))
    if not ok:
        raise ValidationError("%s does not meet Harbor's password policy: %s" % (option, PASSWORD_RULE))
    return value


# Harbor's crons have six fields (seconds first) and Harbor runs them with robfig/cron: each field's
# allowed range, and the names it accepts for months and weekdays.
_CRON_FIELDS = (
    ("seconds", 0, 59, None),
    ("minutes", 0, 59, None),
    ("hours", 0, 23, None),
    ("day of month", 1, 31, None),
    ("month", 1, 12, ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    ("day of week", 0, 6, ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")),
)
_CRON_NUMBER = re.compile(r"^\d+$")


def normalize_cron(option, value):
    """A cron as Harbor wants it: six fields, seconds first and ``0``.

    A 5-field cron (minute hour day month weekday) gets ``0`` seconds in front; a 6-field cron must
    already run at second 0 (Harbor schedules at most once a minute). Every field is checked against
    its range, so a bad cron fails here instead of when Harbor stores or, worse, runs it. ``None`` and
    ``""`` (no schedule) are returned as they are.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return ""
    fields = text.split()
    if len(fields) == 5:
        fields = ["0"] + fields
    elif len(fields) != 6:
        raise ValidationError(
            "%s=%r is not a cron Harbor accepts: give 5 fields (minute hour day-of-month month day-of-week, "
            "e.g. '0 3 * * *') or 6 fields with seconds first and 0 (e.g. '0 0 3 * * *')" % (option, value))
    if fields[0] not in ("0", "00"):
        raise ValidationError(
            "%s=%r: the seconds field (first of 6) must be 0: Harbor schedules jobs at most once a minute "
            "and refuses or misfires a schedule with seconds; write '0 %s'" % (option, value, " ".join(fields[1:])))
    fields[0] = "0"
    for field, (name, low, high, names) in zip(fields, _CRON_FIELDS):
        _check_cron_field(option, value, field, name, low, high, names)
    return " ".join(fields)


def _cron_number(text, low, high, names):
    upper = text.upper()
    if names and upper in names:
        return names.index(upper) + (low if low == 1 else 0)
    if _CRON_NUMBER.match(text):
        return int(text)
    return None


def _check_cron_field(option, value, field, name, low, high, names):
    def bad(reason):
        return ValidationError("%s=%r: %s field %r %s (allowed %d-%d%s, '*', lists 'a,b', ranges 'a-b', "
                               "steps '*/n')" % (option, value, name, field, reason, low, high,
                                                 " or names %s-%s" % (names[0], names[-1]) if names else ""))
    for part in field.split(","):
        base, slash, step = part.partition("/")
        if slash and (not _CRON_NUMBER.match(step) or int(step) < 1):
            raise bad("has a step that is not a positive number")
        if base in ("*", "?"):
            if base == "?" and name not in ("day of month", "day of week"):
                raise bad("uses '?', which only day of month and day of week allow")
            continue
        bounds = base.split("-")
        if len(bounds) > 2 or not all(bounds):
            raise bad("is not a number, a range or '*'")
        numbers = [_cron_number(b, low, high, names) for b in bounds]
        if any(n is None for n in numbers):
            raise bad("is not a number, a range or '*'")
        if any(n < low or n > high for n in numbers):
            raise bad("is out of range")
        if len(numbers) == 2 and numbers[0] > numbers[1]:
            raise bad("has a range that runs backwards")


def job_parameters(value):
    """Harbor's ``job_parameters`` (a JSON string inside the JSON answer, or already a dict) as a dict."""
    if not value:
        return {}
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def with_parameters(record):
    """A copy of a schedule or run record with its ``job_parameters`` string also given parsed, as ``parameters``."""
    record = dict(record or {})
    if record:
        record["parameters"] = job_parameters(record.get("job_parameters"))
    return record


def check_wait_timeout(params):
    """``wait_timeout`` of a module that starts a job and waits for it, refused before the job is started."""
    if params.get("wait_timeout") is not None and params["wait_timeout"] < 1:
        raise ValidationError("wait_timeout must be 1 second or more; got %d" % params["wait_timeout"])


def required_text(option, value):
    """A required text option that must hold more than white space (Harbor answers an empty name with a raw 400)."""
    if value is None or not str(value).strip():
        raise ValidationError("%s must not be empty" % option)
    return value


def http_url(option, value, example="https://host:port/path", keep_query=True):
    """``normalize_url`` for an option that must hold an http(s) URL with a host (Harbor's ValidateHTTPURL /
    ParseEndpoint): anything else is refused, naming the option. A URL without a scheme is refused too:
    Harbor would take it as http://, and credentials sent to it would travel in clear."""
    text = normalize_url(value or "", keep_query)
    if not text:
        raise ValidationError("%s must be a URL such as %s" % (option, example))
    if "://" not in str(value):
        raise ValidationError("%s=%r has no scheme: write https://%s (or http:// to accept that credentials and "
                              "data travel in clear)" % (option, value, str(value).strip()))
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError("%s=%r must be an http:// or https:// URL such as %s" % (option, value, example))
    return text
