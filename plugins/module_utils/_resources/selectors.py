# -*- coding: utf-8 -*-
# Copyright (c) harbor_ops.harbor contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tag and repository selectors of retention and immutable-tag rules (private to harbor_ops.harbor).

Harbor stores selectors exactly as sent and validates none of them (API_FACTS sections 5 and 6), so
the options are checked here and turned into Harbor's one canonical shape:
``{"kind": "doublestar", "decoration": .., "pattern": .., "extras": ..}`` for tags and
``{"repository": [{"kind": "doublestar", "decoration": .., "pattern": ..}]}`` for repositories.
"""

from ansible_collections.harbor_ops.harbor.plugins.module_utils._normalize import ValidationError

TAG_DECORATIONS = ("matches", "excludes")
REPOSITORY_DECORATIONS = ("repoMatches", "repoExcludes")
SELECTOR_KIND = "doublestar"

SELECTOR_OPTIONS = dict(
    tag_pattern=dict(type="str", default="**"),
    tag_decoration=dict(type="str", default="matches"),
    repository_pattern=dict(type="str", default="**"),
    repository_decoration=dict(type="str", default="repoMatches"),
)


def check_choice(option, value, choices):
    if value not in choices:
        raise ValidationError("%s=%r: use one of %s" % (option, value, ", ".join(choices)))
    return value


def check_pattern(option, value):
    if value is None or not str(value).strip():
        raise ValidationError("%s must be a doublestar pattern such as '**', 'release-*' or '{a,b}/**'; got %r"
                              % (option, value))
    return str(value)


def selectors_from_options(where, rule):
    """The selector options of one rule (``where`` names it in messages), checked, as a flat dict."""
    return {
        "tag_pattern": check_pattern("%s.tag_pattern" % where, rule.get("tag_pattern")),
        "tag_decoration": check_choice("%s.tag_decoration" % where, rule.get("tag_decoration"), TAG_DECORATIONS),
        "repository_pattern": check_pattern("%s.repository_pattern" % where, rule.get("repository_pattern")),
        "repository_decoration": check_choice("%s.repository_decoration" % where, rule.get("repository_decoration"),
                                              REPOSITORY_DECORATIONS),
    }


def harbor_selectors(flat, extras=None):
    """(tag_selectors, scope_selectors) in Harbor's shape from the flat selector options."""
    tag = {"kind": SELECTOR_KIND, "decoration": flat["tag_decoration"], "pattern": flat["tag_pattern"]}
    if extras:
        tag["extras"] = extras
    repository = {"kind": SELECTOR_KIND, "decoration": flat["repository_decoration"], "pattern": flat["repository_pattern"]}
    return [tag], {"repository": [repository]}


def flat_selectors(rule):
    """The flat selector options of a stored rule, or None when it is not one tag and one repository
    doublestar selector (a shape only the API makes; it then differs from any declared rule)."""
    tags = rule.get("tag_selectors") or []
    repositories = (rule.get("scope_selectors") or {}).get("repository") or []
    if len(tags) != 1 or len(repositories) != 1 or set(rule.get("scope_selectors") or {}) != {"repository"}:
        return None
    tag, repository = tags[0], repositories[0]
    if tag.get("kind") != SELECTOR_KIND or repository.get("kind") != SELECTOR_KIND:
        return None
    return {"tag_pattern": tag.get("pattern"), "tag_decoration": tag.get("decoration"),
            "repository_pattern": repository.get("pattern"), "repository_decoration": repository.get("decoration")}
