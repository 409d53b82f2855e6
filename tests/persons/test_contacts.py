"""Work contacts become keyed hashes: the same e-mail or mobile, however written, gives one digest; no
key gives none; the clear value is not in the digest."""

from __future__ import annotations

import pytest

from chalicelib.adapters.base import DirectoryUser
from chalicelib.persons.contacts import contact_digests, normal_email, normal_mobile
from chalicelib.settings import Settings

KEYED = Settings(_env_file=None, qg_person_key="k1")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("+86 138-0000-0000", "+8613800000000"),
        ("8613800000000", "+8613800000000"),
        ("13800000000", "+8613800000000"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("n/a", ""),
    ],
)
def test_a_mobile_is_its_digits_with_the_country_code(raw: str, normal: str) -> None:
    assert normal_mobile(raw) == normal


def test_an_email_is_compared_without_case_or_spaces() -> None:
    assert normal_email("  Zhang.San@Corp.Example ") == "zhang.san@corp.example"
    assert normal_email("not an address") == ""


def test_the_same_contacts_written_differently_give_the_same_digests() -> None:
    wecom = DirectoryUser(user="zhangsan", name="张三", email="zhangsan@corp.example", mobile="13800000000")
    slack = DirectoryUser(
        user="U1", name="Zhang San", email="ZhangSan@Corp.example", mobile="+86 138 0000 0000"
    )
    digests = contact_digests(KEYED, wecom)
    assert len(digests) == 2 and digests == contact_digests(KEYED, slack)
    assert not any("zhangsan" in digest or "13800000000" in digest for digest in digests)


def test_another_key_gives_other_digests_and_no_key_gives_none() -> None:
    person = DirectoryUser(user="U1", name="x", email="a@corp.example")
    other = Settings(_env_file=None, qg_person_key="k2")
    assert contact_digests(KEYED, person) != contact_digests(other, person)
    assert contact_digests(Settings(_env_file=None), person) == ()


def test_a_bot_or_an_unknown_user_has_no_contacts() -> None:
    assert contact_digests(KEYED, None) == ()
    assert (
        contact_digests(KEYED, DirectoryUser(user="B", name="bot", is_bot=True, email="b@corp.example")) == ()
    )
