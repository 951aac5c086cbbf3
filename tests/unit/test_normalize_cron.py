# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""normalize_cron (Harbor's 6-field crons with second 0, every field in range), job_parameters and http_url."""

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import (
    ValidationError,
    http_url,
    job_parameters,
    normalize_cron,
)


@pytest.mark.parametrize("given, expected", [
    ("0 3 * * *", "0 0 3 * * *"),
    ("  */15   * * * * ", "0 */15 * * * *"),
    ("0 0 2 * * 6", "0 0 2 * * 6"),
    ("00 30 1 1,15 * ?", "0 30 1 1,15 * ?"),
    ("0 0 9-17 * * MON-FRI", "0 0 9-17 * * MON-FRI"),
    ("0 0 1 JAN *", "0 0 0 1 JAN *"),
    ("5-55/10 * * * *", "0 5-55/10 * * * *"),
])
def test_valid_crons(given, expected):
    assert normalize_cron("cron", given) == expected


def test_empty_and_none_pass_through():
    assert normalize_cron("cron", None) is None
    assert normalize_cron("cron", "  ") == ""


def test_non_zero_seconds_names_option_and_reason():
    with pytest.raises(ValidationError) as err:
        normalize_cron("schedule_cron", "30 0 3 * * *")
    assert "schedule_cron" in str(err.value) and "seconds" in str(err.value) and "'0 0 3 * * *'" in str(err.value)


@pytest.mark.parametrize("cron, words", [
    ("0 60 * * * *", ["minutes", "out of range", "0-59"]),
    ("0 0 24 * * *", ["hours", "out of range", "0-23"]),
    ("0 0 0 0 * *", ["day of month", "1-31"]),
    ("0 0 0 * 13 *", ["month", "1-12"]),
    ("0 0 0 * * 7", ["day of week", "0-6"]),
    ("0 0 * * * FOO", ["day of week", "not a number"]),
    ("0 */0 * * * *", ["step"]),
    ("0 0 5-1 * * *", ["backwards"]),
    ("0 ? * * * *", ["'?'"]),
    ("0 0 * * *  * *", ["5 fields", "6 fields"]),
    ("@daily", ["5 fields"]),
])
def test_invalid_crons(cron, words):
    with pytest.raises(ValidationError) as err:
        normalize_cron("cron", cron)
    for word in words:
        assert word in str(err.value)


def test_job_parameters_parses_harbor_json_string():
    assert job_parameters('{"workers":2,"dry_run":false}') == {"workers": 2, "dry_run": False}
    assert job_parameters("") == {} and job_parameters(None) == {} and job_parameters("not json") == {}
    assert job_parameters({"a": 1}) == {"a": 1}


def test_http_url_like_harbor():
    assert http_url("u", " http://scanner:8080/ ") == "http://scanner:8080"
    with pytest.raises(ValidationError) as err:  # Harbor would make it http://: credentials in clear, unasked
        http_url("endpoint_url", " scanner:8080/ ")
    assert "endpoint_url=' scanner:8080/ ' has no scheme" in str(err.value) and "https://scanner:8080/" in str(err.value)
    assert http_url("u", "https://h/p/?q=1") == "https://h/p/?q=1"
    for bad in ("", "ftp://h", "//", "https:///path"):
        with pytest.raises(ValidationError) as err:
            http_url("endpoint_url", bad)
        assert "endpoint_url" in str(err.value)
