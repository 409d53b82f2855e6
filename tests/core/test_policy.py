"""The policy model: loading, resolving a group override, the schema and the diff (issue 3, item 1)."""

from __future__ import annotations

import json

import pytest

from chalicelib.core.policy import (
    DEFAULT_ORG_POLICY,
    GroupPolicy,
    PolicyDocument,
    PolicyError,
    combine,
    default_policy_text,
    diff,
    load_policy_yaml,
    merge,
    policy_json_schema,
    resolve,
    resolve_group,
)


def test_default_yaml_spells_out_the_model_defaults() -> None:
    assert PolicyDocument() == DEFAULT_ORG_POLICY
    assert diff(DEFAULT_ORG_POLICY, PolicyDocument()) == []


def test_default_policy_matches_the_rulebook() -> None:
    policy = DEFAULT_ORG_POLICY
    assert policy.locale == "zh-CN"
    assert (policy.rules.flood.max_messages, policy.rules.flood.window_seconds) == (8, 10)
    assert policy.escalation.half_life_days == 30
    assert [(t.points, t.action) for t in policy.escalation.thresholds] == [
        (3, "mute"),
        (5, "propose_removal"),
    ]
    assert policy.escalation.thresholds[0].mute_seconds == 3600
    assert "admin" in policy.rules.lexicon.exempt.roles


def test_the_default_yaml_is_commented() -> None:
    assert default_policy_text().count("#") > 20


def test_a_group_with_no_override_gets_the_org_default() -> None:
    resolved = resolve(DEFAULT_ORG_POLICY, None)
    assert isinstance(resolved, GroupPolicy)
    assert diff(DEFAULT_ORG_POLICY, resolved) == []


def test_override_deep_merges_onto_the_org_default() -> None:
    resolved = resolve(
        DEFAULT_ORG_POLICY,
        {
            "locale": "en",
            "rules": {"flood": {"max_messages": 5}, "lexicon": {"extra_terms": {"abuse": ["loser"]}}},
        },
    )
    assert resolved.locale == "en"
    assert resolved.rules.flood.max_messages == 5
    assert resolved.rules.flood.window_seconds == 10  # untouched sibling
    assert resolved.rules.lexicon.extra_terms == {"abuse": ("loser",)}
    assert resolved.rules.lexicon.categories["abuse"].enabled  # untouched mapping survives


def test_a_list_is_replaced_and_a_plus_key_appends() -> None:
    replaced = resolve(DEFAULT_ORG_POLICY, {"rules": {"ads": {"allowed_domains": ["example.com"]}}})
    assert replaced.rules.ads.allowed_domains == ("example.com",)
    appended = resolve(DEFAULT_ORG_POLICY, {"rules": {"ads": {"allowed_domains+": ["Wiki.Example.com"]}}})
    assert appended.rules.ads.allowed_domains[-1] == "wiki.example.com"
    assert "github.com" in appended.rules.ads.allowed_domains


@pytest.mark.parametrize(
    ("first", "then", "combined"),
    [
        ({}, {"admins+": ["a"]}, {"admins+": ["a"]}),  # still an append: it meets the org's list later
        ({"admins+": ["a"]}, {"admins+": ["b", "a"]}, {"admins+": ["a", "b"]}),
        ({"admins": ["a"]}, {"admins+": ["b"]}, {"admins": ["a", "b"]}),  # the patch sets the list itself
        ({"admins+": ["a"]}, {"admins": ["b"]}, {"admins": ["b"]}),  # a replacement ends the append
        (
            {"rules": {"ads": {"mode": "warn"}}},
            {"rules": {"ads": {"allowed_domains+": ["x"]}}},
            {"rules": {"ads": {"mode": "warn", "allowed_domains+": ["x"]}}},
        ),
        ({}, {"admins+": [[1]]}, {"admins+": [[1]]}),  # unhashable items are the validation's to refuse
    ],
)
def test_two_patches_combine_into_one_that_keeps_appends(
    first: dict[str, object], then: dict[str, object], combined: dict[str, object]
) -> None:
    assert combine(first, then) == combined


def test_an_append_onto_a_document_that_does_not_spell_the_list_out_appends_to_its_default() -> None:
    defaults = DEFAULT_ORG_POLICY.model_dump(mode="json")
    merged = merge({"locale": "en"}, {"rules": {"ads": {"allowed_domains+": ["x.example"]}}}, defaults)
    assert merged["rules"]["ads"]["allowed_domains"] == [
        *defaults["rules"]["ads"]["allowed_domains"],
        "x.example",
    ]
    assert merge({}, {"admins+": ["slack:T1:U1"]}, defaults) == {"admins": ["slack:T1:U1"]}


@pytest.mark.parametrize("value", [1, "slack:T1:U1", {"a": 1}])
def test_an_append_of_anything_but_a_list_is_a_policy_error(value: object) -> None:
    with pytest.raises(PolicyError, match="appends a list to a list"):
        combine({}, {"admins+": value})
    with pytest.raises(PolicyError, match="appends a list to a list"):
        merge({"admins": []}, {"admins+": value})


def test_a_groups_admins_add_to_the_orgs() -> None:
    org = resolve(DEFAULT_ORG_POLICY, {"admins": ["slack:T1:BOSS"]})
    assert resolve(org, {"admins": ["slack:T1:CO"]}).admins == ("slack:T1:BOSS", "slack:T1:CO")
    assert resolve(org, {"admins+": ["slack:T1:CO"]}).admins == ("slack:T1:BOSS", "slack:T1:CO")


def test_override_version_is_kept_apart_from_the_org_version() -> None:
    resolved = resolve(DEFAULT_ORG_POLICY, {"version": 3})
    assert (resolved.version, resolved.override_version, resolved.revision) == (1, 3, "1.3")


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"rules": {"flod": {}}}, "rules.flod"),  # a typo is refused, not ignored
        ({"escalation": {"half_life_days": 0}}, "escalation.half_life_days"),
        ({"rules": {"flood": {"mode": "loud"}}}, "rules.flood.mode"),
        ({"rules": {"files": {"name_pattern": "(unclosed"}}}, "rules.files.name_pattern"),
        ({"retention": {"cases": 0}}, "retention"),
    ],
)
def test_invalid_overrides_name_the_offending_path(override: dict[str, object], path: str) -> None:
    with pytest.raises(PolicyError, match=path.replace(".", r"\.")):
        resolve(DEFAULT_ORG_POLICY, override)


def test_locale_aliases_and_yaml_off_are_understood() -> None:
    resolved = resolve(DEFAULT_ORG_POLICY, {"locale": "zh_TW", "rules": {"emoji": {"mode": False}}})
    assert resolved.locale == "zh-TW"
    assert resolved.rules.emoji.mode == "off"


def test_group_mode_caps_every_rule() -> None:
    pilot = resolve(DEFAULT_ORG_POLICY, {"mode": "shadow"})
    assert pilot.effective_mode("flood") == "shadow"
    assert pilot.effective_mode("topic") == "off"  # a rule below the cap keeps its own mode


def test_load_policy_yaml_accepts_a_partial_document() -> None:
    document = load_policy_yaml("version: 7\nlocale: en\nrules:\n  flood:\n    mode: off\n")
    assert document.version == 7
    assert document.rules.flood.mode == "off"
    assert document.rules.duplicate == DEFAULT_ORG_POLICY.rules.duplicate


@pytest.mark.parametrize("text", ["rules: [1, 2", "- a list\n- not a mapping\n", "unknown_key: 1\n"])
def test_load_policy_yaml_refuses_bad_documents(text: str) -> None:
    with pytest.raises(PolicyError):
        load_policy_yaml(text)


def test_inline_group_overrides_are_validated_and_resolved() -> None:
    document = load_policy_yaml("groups:\n  'slack:T1:C1':\n    locale: en\n")
    assert resolve_group(document, "slack:T1:C1").locale == "en"
    assert resolve_group(document, "slack:T1:C2").locale == "zh-CN"
    with pytest.raises(PolicyError, match="groups"):
        load_policy_yaml("groups:\n  'slack:T1:C1':\n    rules: {nope: 1}\n")


def test_json_schema_is_published() -> None:
    schema = policy_json_schema()
    json.dumps(schema)
    assert {"rules", "escalation", "locale", "version", "groups"} <= set(schema["properties"])
    assert "FloodSettings" in schema["$defs"]


def test_diff_lists_changed_dotted_paths() -> None:
    changed = resolve(
        DEFAULT_ORG_POLICY, {"rules": {"flood": {"max_messages": 5}, "ads": {"links": "signal"}}}
    )
    assert diff(DEFAULT_ORG_POLICY, changed) == ["rules.ads.links", "rules.flood.max_messages"]
    assert diff({"a": {"b": 1}}, {"a": {"c": 1}}) == ["a.b", "a.c"]
