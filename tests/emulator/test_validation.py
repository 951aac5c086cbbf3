"""Request validation derived from the swagger: bodies, query parameters, routing."""

import pytest

from tests.harbor_emulator import routing, validation
from tests.harbor_emulator.errors import HarborError


def test_unknown_body_field_is_400_naming_the_field(api):
    response = api.post('/projects', json={'project_name': 'p1', 'metadata': {'public': 'true', 'auto_scna': 'true'}})
    assert response.status_code == 400
    code, message = api.error(response)
    assert code == 'BAD_REQUEST'
    assert 'auto_scna' in message


def test_wrong_type_is_400(api):
    response = api.post('/projects', json={'project_name': 'p1', 'storage_limit': '10'})
    assert response.status_code == 400
    assert 'storage_limit' in api.error(response)[1]


def test_malformed_json_is_400(api):
    response = api.post('/projects', data='{"project_name": ', headers={'Content-Type': 'application/json'})
    assert response.status_code == 400


def test_null_only_where_nullable(api):
    assert api.post('/projects', json={'project_name': 'p1', 'metadata': {'public': None}}).status_code == 400
    assert api.post('/projects', json={'project_name': 'p1', 'metadata': {'auto_scan': None}, 'registry_id': None}).status_code == 201


def test_constraint_violation_is_422(api):
    response = api.post('/projects', json={'project_name': 'a' * 256})
    assert response.status_code == 422
    assert api.error(response)[0] == 'UNPROCESSABLE_ENTITY'
    assert 'project_name' in api.error(response)[1]


def test_missing_required_body_is_422(api):
    assert api.put('/quotas/1').status_code == 422


@pytest.mark.parametrize('body, status', [
    (b'{"schedule": {"type": "Monthly", "cron": "0 0 0 * * *"}}', 422),
    (b'{"schedule": {"type": "Daily", "kron": "0 0 0 * * *"}}', 400),
    (b'{"schedule": {"type": 1}}', 400),
])
def test_body_validator_on_any_swagger_operation(body, status):
    # no emulated body has an enum yet: exercise the generic validator on the GC schedule directly
    with pytest.raises(HarborError) as caught:
        validation.validate_body('PUT', '/system/gc/schedule', body)
    assert caught.value.status == status
    assert 'schedule.' in caught.value.message


def test_body_validator_accepts_valid_body():
    body = validation.validate_body('PUT', '/system/gc/schedule', b'{"schedule": {"type": "Daily", "cron": "0 0 0 * * *"}}')
    assert body['schedule']['type'] == 'Daily'


@pytest.mark.parametrize('query, status', [
    ('page_size=101', 422), ('page_size=100', 200), ('page=abc', 422), ('public=maybe', 422), ('public=1', 200),
    ('with_detail=false', 200), ('unknown_param=1', 200),
])
def test_query_parameters(api, query, status):
    response = api.get('/projects?' + query)
    assert response.status_code == status, response.text
    if status == 422:
        assert api.error(response)[1].split(' ')[0] in query


def test_required_query_parameter(api):
    assert api.head('/projects').status_code == 422


def test_unknown_path_and_method(api):
    response = api.get('/no-such-thing')
    assert response.status_code == 404
    assert api.error(response)[0] == 'NOT_FOUND'
    assert api.request('PATCH', '/projects/1').status_code == 405


def test_route_registration_checks_the_swagger():
    with pytest.raises(ValueError):
        routing.route('GET', '/projects/{id}/invented')(lambda req: None)
    with pytest.raises(ValueError):
        routing.route('PATCH', '/projects')(lambda req: None)
