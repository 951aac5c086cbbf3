# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

import pytest

from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError, normalize_cron, normalize_url


@pytest.mark.parametrize("value, expected", [
    ("0 2 * * *", "0 0 2 * * *"), ("  30  4 * * 1 ", "0 30 4 * * 1"), ("0 0 2 * * *", "0 0 2 * * *"), (None, None),
])
def test_cron_for_replication(value, expected):
    assert normalize_cron("cron", value) == expected


def test_cron_refuses_seconds_and_wrong_field_count():
    with pytest.raises(ValidationError, match="the seconds field \\(first of 6\\) must be 0.*'0 0 2 \\* \\* \\*'"):
        normalize_cron("trigger.cron", "15 0 2 * * *")
    with pytest.raises(ValidationError, match="trigger.cron='@daily' is not a cron"):
        normalize_cron("trigger.cron", "@daily")


@pytest.mark.parametrize("value, expected", [
    ("registry.example.com/", "http://registry.example.com"), (" https://r.example.com/v2/?x=1#f ", "https://r.example.com/v2"),
    ("https://r.example.com", "https://r.example.com"), (None, None),
])
def test_normalize_url(value, expected):
    assert normalize_url(value) == expected
