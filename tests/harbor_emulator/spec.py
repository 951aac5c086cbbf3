"""Harbor's v2.15.2 swagger: loading, operation lookup, JSON schemas and response rendering."""

import copy
import functools
import os

import yaml

SPEC_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'spec', 'swagger-v2.15.2.yaml')
BASE_PATH = '/api/v2.0'
HTTP_METHODS = ('get', 'head', 'post', 'put', 'patch', 'delete')
ZERO_TIME = '0001-01-01T00:00:00.000Z'
_LOADER = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)


@functools.lru_cache(maxsize=None)
def load():
    """Parse the vendored swagger once per process."""
    with open(SPEC_PATH, encoding='utf-8') as handle:
        return yaml.load(handle, Loader=_LOADER)  # nosec B506 - SafeLoader family


def definitions():
    return load()['definitions']


def _resolve_parameter(param):
    ref = param.get('$ref')
    if ref:
        return load()['parameters'][ref.rsplit('/', 1)[-1]]
    return param


@functools.lru_cache(maxsize=None)
def operation(method, template):
    """Return the swagger operation for METHOD template (None if Harbor has no such endpoint)."""
    path_item = load()['paths'].get(template)
    if not path_item:
        return None
    op = path_item.get(method.lower())
    if op is None:
        return None
    op = dict(op)
    op['parameters'] = [_resolve_parameter(p) for p in op.get('parameters', [])]
    return op


def methods_for(template):
    return sorted(m.upper() for m in load()['paths'].get(template, {}) if m in HTTP_METHODS)


def templates():
    return list(load()['paths'])


def is_nullable(schema):
    return bool(schema.get('x-nullable') or schema.get('x-isnullable'))


def deref(schema):
    """Follow a $ref to its definition (one level; definitions never alias each other)."""
    ref = schema.get('$ref')
    if ref:
        return definitions()[ref.rsplit('/', 1)[-1]]
    return schema


# ----------------------------------------------------------------------------------------------
# Request side: swagger schema -> strict JSON schema (draft 4)

_DROP_KEYS = ('description', 'example', 'format', 'readOnly', 'title', 'default', 'discriminator', 'xml')


def _is_bare_object(schema):
    """``{type: object}`` without properties: go-swagger generates ``interface{}`` for it."""
    return isinstance(schema, dict) and schema.get('type') == 'object' and not (
        set(schema) - {'type', 'description'})


def strict_schema(node):
    """Convert a swagger schema into a strict draft-4 JSON schema.

    Unknown object fields are rejected (additionalProperties: false is injected wherever an object
    lists properties and says nothing about extra ones) and null is only accepted where the swagger
    marks the field x-nullable/x-isnullable.
    """
    if isinstance(node, list):
        return [strict_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    nullable = is_nullable(node)
    if '$ref' in node:
        ref = {'$ref': node['$ref']}
        return {'anyOf': [{'type': 'null'}, ref]} if nullable else ref
    out = {}
    for key, value in node.items():
        if key.startswith('x-') or key in _DROP_KEYS:
            continue
        if key == 'properties':
            out[key] = {name: strict_schema(sub) for name, sub in value.items()}
        elif key == 'additionalProperties' and _is_bare_object(value):
            out[key] = {}  # go-swagger: map[string]interface{}, any JSON value (schedule parameters, rule params)
        elif key in ('items', 'additionalProperties') and isinstance(value, dict):
            out[key] = strict_schema(value)
        else:
            out[key] = copy.deepcopy(value)
    if 'properties' in out and 'additionalProperties' not in out:
        out['additionalProperties'] = False
    if nullable and 'type' in out:
        out['type'] = [out['type'], 'null']
        if 'enum' in out:
            out['enum'] = list(out['enum']) + [None]
    return out


@functools.lru_cache(maxsize=None)
def strict_definitions():
    return {name: strict_schema(schema) for name, schema in definitions().items()}


# ----------------------------------------------------------------------------------------------
# Response side: go-swagger's marshalling rules


def _zero(schema):
    return {'integer': 0, 'number': 0, 'boolean': False, 'string': ''}.get(schema.get('type'))


def _is_empty(value):
    if value is None or isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value == 0
    return len(value) == 0


def _render_value(schema, value):
    target = deref(schema)
    if value is None:
        return None
    if target.get('type') == 'array' or 'items' in target:
        return [_render_value(target.get('items', {}), item) for item in value]
    if 'properties' in target:
        return render_object(target, value)
    return copy.deepcopy(value)


def _keep(schema, value):
    """Decide whether go-swagger would marshal this field (omitempty unless pointer/array/x-omitempty: false)."""
    target = deref(schema)
    if schema.get('x-omitempty') is False:
        return True
    if target.get('type') == 'array':
        return True  # go-swagger never omits slices
    if is_nullable(schema) or 'properties' in target:
        return value is not None  # pointers (x-nullable fields, nested models): omitted only when nil
    if target.get('type') == 'string' and target.get('format') == 'date-time':
        return True  # strfmt.DateTime is a struct, omitempty never applies
    return not _is_empty(value)


def render_object(schema, obj):
    out = {}
    for name, prop in schema.get('properties', {}).items():
        value = obj.get(name)
        if not _keep(prop, value):
            continue
        target = deref(prop)
        if value is None and not is_nullable(prop) and '$ref' not in prop:
            value = ZERO_TIME if target.get('format') == 'date-time' else _zero(target)
        out[name] = _render_value(prop, value)
    if 'properties' not in schema and isinstance(obj, dict):
        out = copy.deepcopy(obj)  # map types (additionalProperties)
    return out


def render(definition, obj):
    """Shape obj (a dict, or a list of dicts) like Harbor's go-swagger model `definition` would marshal it."""
    schema = definitions()[definition]
    if isinstance(obj, list):
        return [render_object(schema, item) for item in obj]
    return render_object(schema, obj)
