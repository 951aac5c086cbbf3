"""Generic request validation driven by the swagger: parameters and JSON bodies.

Mirrors go-openapi: a parameter that does not convert or violates enum/maximum/... is a 422, a body that
cannot be decoded into the model (malformed JSON, wrong JSON type, unknown field) is a 400, a body
that decodes but breaks a constraint (required, enum, maxLength, pattern, minimum, ...) is a 422.
"""

import functools
import json
import re

import jsonschema

from . import spec
from .errors import HarborError

_INT_RE = re.compile(r'^[+-]?\d+$')
_TRUE = frozenset(('true', '1', 'yes', 'ok', 'y', 'on', 'selected', 'checked', 't', 'enabled'))
_FALSE = frozenset(('false', '0', 'no', 'n', 'off', 'f', 'disabled'))
_INT_RANGES = {'int32': (-2 ** 31, 2 ** 31 - 1)}
_DEFAULT_INT_RANGE = (-2 ** 63, 2 ** 63 - 1)
# jsonschema validators whose failure means "cannot be decoded into the Go model" -> 400
_DECODE_FAILURES = frozenset(('type', 'additionalProperties', 'anyOf'))


def parse_int64(text):
    if not _INT_RE.match(text or ''):
        return None
    value = int(text)
    low, high = _DEFAULT_INT_RANGE
    return value if low <= value <= high else None


def _invalid(name, where, message):
    return HarborError(422, '%s in %s %s' % (name, where, message))


def _convert(param, raw):
    """Convert one raw string to the parameter's type (go-openapi's swag.Convert*)."""
    kind = param.get('type', 'string')
    where = param['in']
    if kind == 'integer':
        value = parse_int64(raw)
        low, high = _INT_RANGES.get(param.get('format'), _DEFAULT_INT_RANGE)
        if value is None or not low <= value <= high:
            raise _invalid(param['name'], where, 'must be of type %s: "%s"' % (param.get('format', 'integer'), raw))
        return value
    if kind == 'number':
        try:
            return float(raw)
        except ValueError:
            raise _invalid(param['name'], where, 'must be of type number: "%s"' % raw) from None
    if kind == 'boolean':
        lowered = raw.lower()
        if lowered in _TRUE or lowered in _FALSE:
            return lowered in _TRUE
        raise _invalid(param['name'], where, 'must be of type boolean: "%s"' % raw)
    if kind == 'array':
        item = dict(param.get('items', {}), name=param['name'], **{'in': where})
        return [_convert(item, part) for part in raw.split(',')] if raw else []
    return raw


def _check_constraints(param, value):
    name, where = param['name'], param['in']
    if 'enum' in param and value not in param['enum']:
        raise _invalid(name, where, 'should be one of %s' % json.dumps(param['enum']))
    if 'maximum' in param and value > param['maximum']:
        raise _invalid(name, where, 'should be less than or equal to %s' % param['maximum'])
    if 'minimum' in param and value < param['minimum']:
        raise _invalid(name, where, 'should be greater than or equal to %s' % param['minimum'])
    if isinstance(value, str):
        if 'maxLength' in param and len(value) > param['maxLength']:
            raise _invalid(name, where, 'should be at most %s chars long' % param['maxLength'])
        if 'minLength' in param and len(value) < param['minLength']:
            raise _invalid(name, where, 'should be at least %s chars long' % param['minLength'])
        if 'pattern' in param and not re.search(param['pattern'], value):
            raise _invalid(name, where, 'should match \'%s\'' % param['pattern'])


def _raw_value(param, path_args, query, headers):
    where = param['in']
    if where == 'path':
        return path_args.get(param['name'])
    if where == 'query':
        values = query.get(param['name'])
        return values[0] if values else None
    if where == 'header':
        return headers.get(param['name']) or None
    return None


def validate_parameters(op, path_args, query, headers):
    """Return {name: converted value} for every non-body parameter of the operation (defaults applied)."""
    args = {}
    for param in op['parameters']:
        if param['in'] in ('body', 'formData'):
            continue
        raw = _raw_value(param, path_args, query, headers)
        if raw is None:
            if param.get('required'):
                raise _invalid(param['name'], param['in'], 'is required')
            args[param['name']] = param.get('default')
            continue
        value = _convert(param, raw)
        _check_constraints(param, value)
        args[param['name']] = value
    return args


@functools.lru_cache(maxsize=None)
def _body_validator(method, template):
    op = spec.operation(method, template)
    for param in op['parameters']:
        if param['in'] == 'body':
            schema = dict(spec.strict_schema(param.get('schema', {})), definitions=spec.strict_definitions())
            return param, jsonschema.Draft4Validator(schema)
    return None, None


def _leaf(error):
    """Descend into anyOf (only produced for x-nullable $refs) to the error of the non-null branch."""
    while error.validator == 'anyOf' and error.context:
        candidates = [sub for sub in error.context if sub.schema_path and sub.schema_path[0] != 0] or error.context
        error = min(candidates, key=lambda e: (e.validator not in _DECODE_FAILURES, len(e.absolute_path)))
    return error


def _describe(error):
    path = [str(part) for part in error.absolute_path]
    if error.validator == 'additionalProperties' and isinstance(error.instance, dict):
        unknown = sorted(set(error.instance) - set(error.schema.get('properties', {})))
        return ', '.join('.'.join(path + [name]) for name in unknown) + ': unknown field (not in Harbor\'s model)'
    return '%s: %s' % ('.'.join(path), error.message) if path else error.message


def validate_body(method, template, raw):
    """Decode and validate the JSON body of an operation. Returns the decoded body (or None)."""
    param, validator = _body_validator(method, template)
    if param is None:
        return None
    name = param['name']
    if not raw.strip():
        if param.get('required'):
            raise HarborError(422, '%s in body is required' % name)
        return None
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise HarborError(400, 'parsing %s body from "" failed, because %s' % (name, exc)) from None
    errors = sorted((_leaf(e) for e in validator.iter_errors(body)), key=lambda e: (e.validator not in _DECODE_FAILURES, len(e.absolute_path)))
    if errors:
        first = errors[0]
        status = 400 if first.validator in _DECODE_FAILURES else 422
        raise HarborError(status, 'validation failure in %s body: %s' % (name, _describe(first)))
    return body
