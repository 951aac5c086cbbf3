"""One login per module run (issue 11): Harbor's session login, CSRF on session writes, what each costs.

Real Harbor v2.15.2 re-hashes a user's password (PBKDF2-SHA256, 600,000 iterations) on every basic-auth
request and on every ``POST /c/login``; the emulator counts those verifications (``/_emulator/auth``).
"""

import http.cookiejar
import threading
import time

import pytest
import requests

from ansible_collections.harbor_ops.harbor.plugins.module_utils._client import Forbidden, HarborClient, Unauthorized

NAME = {"X-Is-Resource-Name": "true"}


def _client(emulator, username="admin", password="Harbor12345", **kwargs):
    return HarborClient(emulator.url, username, password, **kwargs)


def _work(client):
    for dummy in range(5):
        client.get("/projects/library", headers=NAME)
    client.post("/projects", {"project_name": "sessions"})
    client.delete("/projects/sessions", headers=NAME)


def test_a_user_logs_in_once_writes_with_the_csrf_token_and_logs_out(harbor_emulator):
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator)
    _work(client)
    assert client.logged_in and client.logins == 1
    assert client.session.auth is None  # no Authorization header on the session's requests
    assert sorted(client.session.cookies.keys()) == ["_gorilla_csrf", "sid"]
    client.close()
    assert not client.logged_in and len(client.session.cookies) == 0
    report = harbor_emulator.auth_report()
    assert (report["password_verifications"], report["logins"], report["logouts"]) == (1, 1, 1)


def test_basic_auth_verifies_the_password_on_every_request(harbor_emulator):
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator, auth_method="basic")
    _work(client)
    client.close()
    report = harbor_emulator.auth_report()
    assert report["password_verifications"] == 7 and report["logins"] == 0
    assert len(client.session.cookies) == 0  # the sid Harbor hands out is never kept


def test_a_robot_keeps_basic_auth(harbor_emulator, api):
    response = api.post("/robots", json={"name": "ci", "level": "system", "duration": -1, "permissions": [
        {"kind": "system", "namespace": "/", "access": [{"resource": "project", "action": "list"}]}]})
    assert response.status_code == 201, response.text
    robot = response.json()
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator, robot["name"], robot["secret"])
    for dummy in range(3):
        client.get("/projects")
    assert client.logins == 0 and not client.logged_in and len(client.session.cookies) == 0
    report = harbor_emulator.auth_report()  # one secret check per request (Harbor's 4,096 iterations: cheap)
    assert report["robot_secret_checks"] == 3 and report["password_verifications"] == 0


def test_a_refused_login_falls_back_to_basic_auth_with_auto(harbor_emulator):
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator, password="wrong")
    with pytest.raises(Unauthorized):
        client.get("/users/current")
    assert client.logins == 1 and not client.logged_in and client.session.auth == ("admin", "wrong")
    # a wrong password is answered after Harbor's 1.5 s pause: it is never mistaken for the lock and repeated
    report = harbor_emulator.auth_report()
    assert report["password_verifications"] == 2 and report["refused_logins"] == 2


def _wrong_login_in_background(emulator, username="admin"):
    """Another caller's failed login of ``username``, in flight: it locks the name for Harbor's 1.5 s."""
    thread = threading.Thread(target=requests.get, args=(emulator.api + "/users/current",),
                              kwargs={"auth": (username, "not-the-password"), "timeout": 30})
    thread.start()
    time.sleep(0.3)
    return thread


def test_a_failed_login_locks_the_principal_for_everyone_for_harbors_frozen_time(harbor_emulator):
    harbor_emulator.reset_auth_report()
    started = time.monotonic()
    wrong = requests.get(harbor_emulator.api + "/users/current", auth=("admin", "nope"), timeout=30)
    assert wrong.status_code == 401 and time.monotonic() - started >= 1.5  # Harbor sleeps before answering
    thread = _wrong_login_in_background(harbor_emulator)
    locked = requests.get(harbor_emulator.api + "/users/current", auth=("admin", "Harbor12345"), timeout=30)
    assert locked.status_code == 401  # the right password, refused: the name is locked
    assert harbor_emulator.auth_report()["password_verifications"] == 2  # a locked name is not even checked
    thread.join()
    time.sleep(0.1)
    assert requests.get(harbor_emulator.api + "/users/current", auth=("admin", "Harbor12345"),
                        timeout=30).status_code == 200


@pytest.mark.parametrize("auth_method", ["auto", "basic"])
def test_a_login_refused_by_the_lock_is_sent_again_when_the_lock_ends(harbor_emulator, auth_method):
    thread = _wrong_login_in_background(harbor_emulator)
    client = _client(harbor_emulator, auth_method=auth_method)
    assert client.get("/users/current")["username"] == "admin"
    thread.join()
    assert client.logged_in == (auth_method == "auto")
    client.close()


def test_session_mode_fails_when_the_login_is_refused(harbor_emulator):
    client = _client(harbor_emulator, password="wrong", auth_method="session")
    with pytest.raises(Unauthorized) as caught:
        client.get("/users/current")
    assert "auth_method=session" in str(caught.value) and "wrong" not in str(caught.value)


def test_a_lost_session_logs_in_again_once(harbor_emulator):
    client = _client(harbor_emulator)
    client.get("/projects/library", headers=NAME)
    harbor_emulator.reset()  # like a core restart: every session is gone
    client.post("/projects", {"project_name": "after-restart"})
    assert client.logins == 2
    assert client.get("/projects/after-restart", headers=NAME)["name"] == "after-restart"


def _cookie_session():
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy())
    return session


def test_csrf_is_enforced_on_session_writes_and_on_login(harbor_emulator):
    session = _cookie_session()
    base = harbor_emulator.url
    # a login without the token is refused
    assert session.post(base + "/c/login", data={"principal": "admin", "password": "Harbor12345"}).status_code == 403
    token = session.get(base + "/c/log_out").headers["X-Harbor-CSRF-Token"]
    assert "_gorilla_csrf" in session.cookies
    login = session.post(base + "/c/login", data={"principal": "admin", "password": "Harbor12345"},
                         headers={"X-Harbor-CSRF-Token": token})
    assert login.status_code == 200 and "sid" in session.cookies
    assert session.get(base + "/api/v2.0/users/current").json()["username"] == "admin"
    refused = session.post(base + "/api/v2.0/projects", json={"project_name": "no-token"})
    assert refused.status_code == 403 and "CSRF token not found" in refused.text
    wrong = session.post(base + "/api/v2.0/projects", json={"project_name": "no-token"},
                         headers={"X-Harbor-CSRF-Token": "forged"})
    assert wrong.status_code == 403 and "CSRF token invalid" in wrong.text
    ok = session.post(base + "/api/v2.0/projects", json={"project_name": "with-token"},
                      headers={"X-Harbor-CSRF-Token": token})
    assert ok.status_code == 201


def test_a_basic_client_that_keeps_harbors_sid_becomes_a_session_client(harbor_emulator):
    # Harbor answers a basic-auth GET with a sid; sent back, it makes writes need the CSRF token
    session = _cookie_session()
    session.auth = ("admin", "Harbor12345")
    assert session.get(harbor_emulator.url + "/api/v2.0/projects").status_code == 200
    assert "sid" in session.cookies
    refused = session.post(harbor_emulator.url + "/api/v2.0/projects", json={"project_name": "kept-sid"})
    assert refused.status_code == 403


def test_forbidden_is_not_mistaken_for_a_lost_session(harbor_emulator):
    harbor_emulator.add_user("plain", "Plain-Passw0rd")
    client = _client(harbor_emulator, "plain", "Plain-Passw0rd")
    with pytest.raises(Forbidden):
        client.put("/configurations", {"project_creation_restriction": "adminonly"})
    assert client.logins == 1


def test_reconcile_in_parallel_logs_in_once_and_converges(harbor_emulator):
    from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import reconcile, validate_declared
    declared = validate_declared({"projects": [{"name": "par-%02d" % i, "auto_scan": i % 2 == 0} for i in range(30)],
                                  "labels": [{"name": "approved", "scope": "global", "color": "#00FF00"}]})
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator)
    first = reconcile(client, declared, parallelism=8)
    client.close()
    assert first["summary"]["projects"]["created"] == 30 and first["summary"]["labels"]["created"] == 1
    assert [r["name"] for r in first["results"]][:30] == ["par-%02d" % i for i in range(30)]  # declared order kept
    assert harbor_emulator.auth_report()["logins"] == 1
    mark = harbor_emulator.last_seq()
    client = _client(harbor_emulator)
    second = reconcile(client, declared, parallelism=8)
    client.close()
    assert not second["changed"] and harbor_emulator.writes_since(mark) == []
    assert len(harbor_emulator.requests_since(mark)) == 31  # one look-up per item, nothing more


def test_reconcile_parallelism_is_bounded():
    from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError
    from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import check_parallelism
    for bad in (0, 33):
        with pytest.raises(ValidationError) as caught:
            check_parallelism(bad)
        assert "parallelism=%d" % bad in str(caught.value) and "1 to 32" in str(caught.value)


def test_parallel_reconcile_removes_only_after_every_present_item(harbor_emulator):
    from ansible_collections.harbor_ops.harbor.plugins.module_utils._reconcile import reconcile, validate_declared
    client = _client(harbor_emulator)
    reconcile(client, validate_declared({"projects": [{"name": "keep-%d" % i} for i in range(4)] + [{"name": "drop"}]}),
              parallelism=8)
    mark = harbor_emulator.last_seq()
    declared = validate_declared({"projects": [{"name": "keep-%d" % i, "public": True} for i in range(4)] +
                                  [{"name": "drop", "state": "absent"}]})
    result = reconcile(client, declared, parallelism=8)
    client.close()
    writes = [e["method"] for e in harbor_emulator.writes_since(mark)]
    assert writes == ["PUT"] * 4 + ["DELETE"], writes
    assert [r["action"] for r in result["results"]] == ["updated"] * 4 + ["deleted"]


def test_the_sid_handed_to_a_refused_caller_is_no_session(harbor_emulator):
    session = _cookie_session()
    session.auth = ("admin", "wrong")
    assert session.get(harbor_emulator.url + "/api/v2.0/systeminfo").status_code == 200  # anonymous may read it
    assert "sid" in session.cookies
    session.auth = None
    assert session.get(harbor_emulator.url + "/api/v2.0/users/current").status_code == 401


def test_v2_ignores_the_session_and_service_token_honours_it(harbor_emulator, api, tmp_path):
    """Real v2.15.2: /v2/ answers a logged-in session's cookie with 401 and a Bearer challenge naming the scope, and
    /service/token hands that session a token with the user's access, without a password check."""
    from tests import oci_images
    api.create_project("private-v2", metadata={"public": "false"})
    layout = str(tmp_path / "layout")
    oci_images.build_layout(layout, "v1", layers=1, layer_size=1024)
    oci_images.push(layout, "v1", harbor_emulator, "private-v2/app")
    harbor_emulator.reset_auth_report()
    client = _client(harbor_emulator)
    client.ensure_session()
    refused = client.session.head(harbor_emulator.url + "/v2/private-v2/app/manifests/v1")
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == (
        'Bearer realm="%s/service/token",service="harbor-registry",scope="repository:private-v2/app:pull"'
        % harbor_emulator.url)
    response = client.registry("HEAD", "private-v2/app", "manifests", "v1", headers={"Accept": oci_images.OCI_MANIFEST})
    assert response.status_code == 200 and response.headers["Docker-Content-Digest"].startswith("sha256:")
    client.registry("HEAD", "private-v2/app", "manifests", "v1", headers={"Accept": oci_images.OCI_MANIFEST})
    client.close()
    report = harbor_emulator.auth_report()
    assert report["password_verifications"] == 1 and report["logins"] == 1  # the login only; the token is kept
