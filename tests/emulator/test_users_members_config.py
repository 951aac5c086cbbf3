"""Users, user groups, project members, /configurations and the system CVE allowlist (API_FACTS 8, 9, 11)."""

import re

import pytest

GOOD = 'Passw0rd-One'


def create_user(api, username='alice', password=GOOD, **extra):
    body = dict({'username': username, 'email': '%s@example.com' % username, 'realname': username.title(),
                 'password': password}, **extra)
    response = api.post('/users', json=body)
    assert response.status_code == 201, response.text
    return int(response.headers['Location'].rsplit('/', 1)[-1])


# users ----------------------------------------------------------------------------------------

def test_user_create_location_and_no_password_in_answer(api):
    response = api.post('/users', json={'username': 'alice', 'email': 'a@example.com', 'realname': 'A', 'password': GOOD})
    assert response.status_code == 201 and response.content == b''
    assert re.fullmatch(r'/api/v2\.0/users/\d+', response.headers['Location'])
    user = api.get(response.headers['Location'][len('/api/v2.0'):]).json()
    assert user['username'] == 'alice' and 'password' not in user
    assert api.post('/users', json={'username': 'alice', 'email': 'b@example.com', 'realname': 'A',
                                    'password': GOOD}).status_code == 409


@pytest.mark.parametrize('password', ['short1A', 'alllowercase1', 'ALLUPPER1', 'NoDigitsHere', 'A1' + 'a' * 127])
def test_user_password_policy(api, password):
    response = api.post('/users', json={'username': 'bob', 'email': 'b@example.com', 'realname': 'B', 'password': password})
    assert response.status_code == 400
    assert 'password' in api.error(response)[1]


def test_identical_password_is_400(api):
    user_id = create_user(api)
    response = api.put('/users/%d/password' % user_id, json={'new_password': GOOD})
    assert response.status_code == 400
    assert api.error(response) == ('BAD_REQUEST', 'New password is identical to old password')
    assert api.put('/users/%d/password' % user_id, json={'new_password': 'Passw0rd-Two'}).status_code == 200


def test_own_password_needs_old_password(harbor_emulator, api):
    from tests.emulator.conftest import Api
    user_id = create_user(api)
    me = Api(harbor_emulator, ('alice', GOOD))
    assert me.put('/users/%d/password' % user_id, json={'new_password': 'Passw0rd-Two'}).status_code == 403
    assert me.put('/users/%d/password' % user_id, json={'old_password': GOOD, 'new_password': 'Passw0rd-Two'}).status_code == 200


def test_profile_put_replaces_all_three_and_sysadmin_flag(api):
    user_id = create_user(api, comment='first')
    assert api.put('/users/%d' % user_id, json={'email': 'new@example.com', 'realname': 'New'}).status_code == 200
    user = api.get('/users/%d' % user_id).json()
    assert (user['email'], user['realname'], user.get('comment', '')) == ('new@example.com', 'New', '')
    assert api.put('/users/%d' % user_id, json={'realname': 'New'}).status_code == 400
    assert api.put('/users/%d/sysadmin' % user_id, json={'sysadmin_flag': True}).status_code == 200
    assert api.get('/users/%d' % user_id).json()['sysadmin_flag'] is True


def test_user_list_q_exact_and_delete_rules(api):
    create_user(api, 'alice')
    create_user(api, 'alice2')
    found = api.get('/users', params={'q': 'username=alice'}).json()
    assert [u['username'] for u in found] == ['alice']
    assert 'admin' not in [u['username'] for u in api.get('/users').json()]  # the list leaves out admin
    assert api.get('/users/1').json()['username'] == 'admin'
    assert api.delete('/users/1').status_code == 403


def test_users_only_under_db_auth(api, harbor_emulator):
    harbor_emulator.set_config(auth_mode='oidc_auth')
    response = api.post('/users', json={'username': 'x', 'email': 'x@example.com', 'realname': 'X', 'password': GOOD})
    assert response.status_code == 403


# user groups and members ----------------------------------------------------------------------

def seed_ldap(harbor_emulator, dn, name):
    harbor_emulator.control('POST', 'ldap/groups', {'dn': dn, 'name': name})


def test_ldap_usergroup_needs_the_directory(api, harbor_emulator):
    dn = 'cn=devs,ou=groups,dc=example,dc=com'
    response = api.post('/usergroups', json={'group_type': 1, 'ldap_group_dn': dn})
    assert response.status_code == 404 and 'LDAP Group DN is not found' in api.error(response)[1]
    seed_ldap(harbor_emulator, dn, 'devs')
    response = api.post('/usergroups', json={'group_type': 1, 'ldap_group_dn': dn})
    assert response.status_code == 201
    gid = int(response.headers['Location'].rsplit('/', 1)[-1])
    group = api.get('/usergroups/%d' % gid).json()
    assert group['group_name'] == 'devs'  # taken from the directory
    assert 'id' not in group  # real v2.15.2: GET /usergroups/{id} has no id; the listing has it
    assert [g['id'] for g in api.get('/usergroups').json() if g['group_name'] == 'devs'] == [gid]
    assert api.post('/usergroups', json={'group_type': 1, 'ldap_group_dn': dn.upper()}).status_code == 409
    assert api.put('/usergroups/%d' % gid, json={'group_name': 'developers', 'group_type': 3}).status_code == 200
    renamed = api.get('/usergroups/%d' % gid).json()
    assert renamed['group_name'] == 'developers' and renamed['group_type'] == 1


def test_usergroup_list_forced_type_under_ldap(api, harbor_emulator):
    api.post('/usergroups', json={'group_type': 3, 'group_name': 'oidc-team'})
    assert [g['group_name'] for g in api.get('/usergroups').json()] == ['oidc-team']
    harbor_emulator.set_config(auth_mode='ldap_auth')
    assert api.get('/usergroups').json() == []


def test_member_entityname_exact_and_pagination(api):
    api.create_project('team')
    for index in range(12):
        create_user(api, 'user%02d' % index)
        assert api.post('/projects/team/members', headers={'X-Is-Resource-Name': 'true'},
                        json={'role_id': 2, 'member_user': {'username': 'user%02d' % index}}).status_code == 201
    first = api.get('/projects/team/members', headers={'X-Is-Resource-Name': 'true'})
    assert len(first.json()) == 10 and first.headers['X-Total-Count'] == '13' and 'rel="next"' in first.headers['Link']
    exact = api.get('/projects/team/members', params={'entityname': 'user0'}, headers={'X-Is-Resource-Name': 'true'})
    assert exact.json() == []
    one = api.get('/projects/team/members', params={'entityname': 'user01'}, headers={'X-Is-Resource-Name': 'true'}).json()
    assert [(m['entity_name'], m['role_name'], m['entity_type']) for m in one] == [('user01', 'developer', 'u')]


def test_member_role_duplicate_and_update(api):
    project_id = api.create_project('team')
    create_user(api, 'alice')
    path = '/projects/%d/members' % project_id
    assert api.post(path, json={'role_id': 6, 'member_user': {'username': 'alice'}}).status_code == 400
    response = api.post(path, json={'role_id': 3, 'member_user': {'username': 'alice'}})
    assert response.status_code == 201
    assert api.post(path, json={'role_id': 3, 'member_user': {'username': 'alice'}}).status_code == 409
    mid = int(response.headers['Location'].rsplit('/', 1)[-1])
    assert api.put('%s/%d' % (path, mid), json={'role_id': 4}).status_code == 200
    assert api.get('%s/%d' % (path, mid)).json()['role_name'] == 'maintainer'
    assert api.delete('%s/%d' % (path, mid)).status_code == 200


def test_member_ldap_dn_onboards_group_even_if_member_fails(api, harbor_emulator):
    """Posting a DN creates the user group first; a duplicate member then fails and leaves the group (orphan)."""
    project_id = api.create_project('team')
    dn = 'cn=ops,ou=groups,dc=example,dc=com'
    seed_ldap(harbor_emulator, dn, 'ops')
    path = '/projects/%d/members' % project_id
    body = {'role_id': 2, 'member_group': {'ldap_group_dn': dn}}
    assert api.post(path, json=body).status_code == 400  # db_auth: LDAP groups need ldap_auth
    harbor_emulator.set_config(auth_mode='ldap_auth')
    assert api.post(path, json=body).status_code == 201
    member = api.get(path, params={'entityname': 'ops'}).json()[0]
    assert member['entity_type'] == 'g'
    other = api.create_project('other')
    bad = {'role_id': 9, 'member_group': {'ldap_group_dn': 'cn=new,ou=groups,dc=example,dc=com'}}
    seed_ldap(harbor_emulator, bad['member_group']['ldap_group_dn'], 'new')
    assert api.post('/projects/%d/members' % other, json=bad).status_code == 400
    assert api.post('/projects/%d/members' % other, json={'role_id': 9, 'member_group': {'id': 99}}).status_code == 400


# configurations -------------------------------------------------------------------------------

def test_configurations_shape_and_hidden_passwords(api):
    api.put('/configurations', json={'oidc_client_secret': 'Very-Secret-1', 'ldap_search_password': 'Very-Secret-2'})
    config = api.get('/configurations').json()
    assert config['auth_mode'] == {'value': 'db_auth', 'editable': True}
    assert config['self_registration'] == {'value': False, 'editable': True}
    assert config['robot_token_duration'] == {'value': 30, 'editable': True}
    assert config['scan_all_policy'] == {}  # real v2.15.2: always there, empty, and not a {value, editable} item
    assert 'oidc_client_secret' not in config and 'ldap_search_password' not in config
    assert 'Very-Secret' not in api.get('/configurations').text


def test_configurations_put_is_flat_and_partial_and_shared(api, anonymous):
    assert api.put('/configurations', json={'project_creation_restriction': 'adminonly', 'banner_message': ''}).status_code == 200
    config = api.get('/configurations').json()
    assert config['project_creation_restriction']['value'] == 'adminonly'
    assert config['robot_name_prefix']['value'] == 'robot$'
    info = api.get('/systeminfo').json()
    assert info['project_creation_restriction'] == 'adminonly'  # the same dict other routes read
    assert api.put('/configurations', json={'no_such_key': 1}).status_code == 400  # stricter than Harbor
    assert api.put('/configurations', json={'session_timeout': 0}).status_code == 400
    assert anonymous.get('/configurations').status_code == 401


def test_auth_mode_locked_once_users_exist(api):
    assert api.put('/configurations', json={'auth_mode': 'oidc_auth'}).status_code == 200
    assert api.put('/configurations', json={'auth_mode': 'db_auth'}).status_code == 200
    create_user(api)
    assert api.get('/configurations').json()['auth_mode'] == {'value': 'db_auth', 'editable': False}
    response = api.put('/configurations', json={'auth_mode': 'oidc_auth'})
    assert response.status_code == 400
    assert api.error(response)[1] == 'the auth mode cannot be modified as new users have been inserted into database'
    assert api.put('/configurations', json={'auth_mode': 'db_auth'}).status_code == 200  # same value: fine


def test_config_overwrite_json_makes_everything_read_only(api, harbor_emulator):
    harbor_emulator.control('PUT', 'config/overwrite', {'enabled': True})
    config = api.get('/configurations').json()
    assert all(item['editable'] is False for key, item in config.items() if key != 'scan_all_policy')
    assert api.put('/configurations', json={'read_only': True}).status_code == 403


# system CVE allowlist -------------------------------------------------------------------------

def test_system_cve_allowlist_full_replace(api, harbor_emulator):
    fresh = api.get('/system/CVEAllowlist').json()
    assert fresh['items'] == [] and 'expires_at' not in fresh and 'project_id' not in fresh  # zero values omitted
    body = {'items': [{'cve_id': 'CVE-2024-1'}, {'cve_id': 'CVE-2024-2'}], 'expires_at': 4102444800}
    assert api.put('/system/CVEAllowlist', json=body).status_code == 200
    got = api.get('/system/CVEAllowlist').json()
    assert [i['cve_id'] for i in got['items']] == ['CVE-2024-1', 'CVE-2024-2'] and got['expires_at'] == 4102444800
    assert api.put('/system/CVEAllowlist', json={'items': [{'cve_id': 'CVE-2024-3'}]}).status_code == 200
    got = api.get('/system/CVEAllowlist').json()
    assert [i['cve_id'] for i in got['items']] == ['CVE-2024-3'] and got.get('expires_at') is None
    dup = api.put('/system/CVEAllowlist', json={'items': [{'cve_id': 'CVE-1'}, {'cve_id': 'CVE-1'}]})
    assert dup.status_code == 400 and 'duplicate' in api.error(dup)[1]
    assert api.put('/system/CVEAllowlist', json={'items': [{'cve_id': ' '}]}).status_code == 400
    harbor_emulator.add_user('reader', GOOD)
    from tests.emulator.conftest import Api
    reader = Api(harbor_emulator, ('reader', GOOD))
    assert reader.get('/system/CVEAllowlist').status_code == 200
    assert reader.put('/system/CVEAllowlist', json={'items': []}).status_code == 403
