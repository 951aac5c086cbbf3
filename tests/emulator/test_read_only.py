"""Harbor's read-only mode (src/server/middleware/readonly): every write but PUT /configurations is refused
with 403 DENIED, through the API and through /v2/; reads go on; switching it off restores writes."""

import pytest

from tests import oci_images

MESSAGE = 'The system is in read only mode. Any modification is prohibited.'


@pytest.fixture
def read_only(api):
    assert api.put('/configurations', json={'read_only': True}).status_code == 200
    yield
    assert api.put('/configurations', json={'read_only': False}).status_code == 200


def test_api_writes_are_refused_and_reads_go_on(api, read_only):
    refused = api.post('/projects', json={'project_name': 'frozen'})
    assert refused.status_code == 403 and api.error(refused) == ('DENIED', MESSAGE)
    assert api.delete('/projects/library').status_code == 403
    assert api.put('/projects/library', json={'metadata': {'auto_scan': 'true'}}).status_code == 403
    assert api.get('/projects/library', headers={'X-Is-Resource-Name': 'true'}).status_code == 200
    assert api.get('/configurations').json()['read_only']['value'] is True


def test_configurations_stay_writable_so_read_only_can_be_switched_off(api):
    assert api.put('/configurations', json={'read_only': True}).status_code == 200
    assert api.put('/configurations', json={'session_timeout': 61}).status_code == 200
    assert api.put('/configurations', json={'read_only': False}).status_code == 200
    assert api.post('/projects', json={'project_name': 'thawed'}).status_code == 201


def test_pushes_are_refused_pulls_are_served(api, harbor_emulator, tmp_path):
    layout = str(tmp_path / 'layout')
    oci_images.build_layout(layout, 'v1', layers=1, layer_size=1024)
    oci_images.push(layout, 'v1', harbor_emulator, 'library/app')
    assert api.put('/configurations', json={'read_only': True}).status_code == 200
    try:
        with pytest.raises(RuntimeError, match='read only mode'):
            oci_images.push(layout, 'v1', harbor_emulator, 'library/app', dest_tag='v2')
        pulled = api.session.get(harbor_emulator.url + '/v2/library/app/manifests/v1',
                                 headers={'Accept': oci_images.OCI_MANIFEST}, timeout=30)
        assert pulled.status_code == 200
    finally:
        assert api.put('/configurations', json={'read_only': False}).status_code == 200
    oci_images.push(layout, 'v1', harbor_emulator, 'library/app', dest_tag='v2')
