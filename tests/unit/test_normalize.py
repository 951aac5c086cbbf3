# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    ValidationError,
    check_cve_allowlist,
    check_name,
    cve_allowlist_view,
    harbor_bool,
    parse_size,
)


@pytest.mark.parametrize("value, expected", [
    ("true", True), ("True", True), ("1", True), ("t", True), (True, True),
    ("false", False), ("FALSE", False), ("0", False), ("", False), (None, None),
])
def test_harbor_bool(value, expected):
    assert harbor_bool(value) is expected


def test_harbor_bool_refuses_garbage():
    with pytest.raises(ValidationError):
        harbor_bool("maybe")


@pytest.mark.parametrize("value, expected", [
    (1024, 1024), ("10G", 10 * 1024 ** 3), ("500M", 500 * 1024 ** 2), ("1.5T", int(1.5 * 1024 ** 4)),
    ("10GiB", 10 * 1024 ** 3), ("10gb", 10 * 1024 ** 3), ("2048", 2048), (-1, -1), ("-1", -1), ("1024T", 1024 ** 5),
])
def test_parse_size(value, expected):
    assert parse_size("storage_quota", value) == expected


@pytest.mark.parametrize("value", ["ten", "10X", "", 0, -2, "1025T", True, "1e3"])
def test_parse_size_refuses(value):
    with pytest.raises(ValidationError) as caught:
        parse_size("storage_quota", value)
    assert "storage_quota" in str(caught.value)


@pytest.mark.parametrize("name", ["a", "my-project", "team.web_1", "123"])
def test_valid_names(name):
    assert check_name("name", name) == name


@pytest.mark.parametrize("name", ["", "My", "with space", "-lead", "trail-", "a--b", "x" * 256])
def test_invalid_names(name):
    with pytest.raises(ValidationError):
        check_name("name", name)


def test_allowlist_view_and_check():
    assert cve_allowlist_view({"items": [{"cve_id": "B"}, {"cve_id": "A"}], "expires_at": None}) == \
        {"items": ["A", "B"], "expires_at": None}
    assert cve_allowlist_view(None) == {"items": [], "expires_at": None}
    assert check_cve_allowlist("cve_allowlist", {"items": ["B", "A", "A"], "expires_at": 5}) == \
        {"items": ["A", "B"], "expires_at": 5}
    with pytest.raises(ValidationError):
        check_cve_allowlist("cve_allowlist", {"items": [""], "expires_at": None})
    with pytest.raises(ValidationError):
        check_cve_allowlist("cve_allowlist", {"items": [], "expires_at": -3})
