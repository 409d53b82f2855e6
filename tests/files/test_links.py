"""The token a file link carries: sealed by the bot, verified before it is decoded, expiring."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.cardsign import seal
from chalicelib.files.links import LinkRefused, link_url, new_claim, open_token, token_of
from chalicelib.settings import Settings

SETTINGS = Settings(_env_file=None, slack_signing_secret="signing-secret", qg_card_signing_key="k" * 32)
OTHER = Settings(_env_file=None, slack_signing_secret="signing-secret", qg_card_signing_key="x" * 32)
NOW = 1_767_225_600.0


def token(**overrides: object) -> str:
    fields: dict[str, object] = {
        "gid": "slack:T1:C1",
        "file_id": "f0a1b2c3d",
        "user": "U0ALICE",
        "ground": "m",
        "expires_at": NOW + 900,
    }
    fields.update(overrides)
    return token_of(SETTINGS, new_claim(**fields))  # type: ignore[arg-type]


def test_a_token_names_the_file_the_member_and_the_ground_and_opens_until_it_expires() -> None:
    claim = open_token(SETTINGS, token(), NOW + 899)
    assert (claim.gid, claim.file_id, claim.user, claim.ground) == (
        "slack:T1:C1",
        "f0a1b2c3d",
        "U0ALICE",
        "m",
    )
    with pytest.raises(LinkRefused) as refused:
        open_token(SETTINGS, token(), NOW + 900)
    assert refused.value.status == 410


def test_two_links_to_the_same_file_differ_so_each_download_names_its_link() -> None:
    assert token() != token()


def test_a_token_sealed_with_another_key_is_refused() -> None:
    other = token_of(OTHER, new_claim(gid="g:t:c", file_id="f1", user="U", ground="m", expires_at=NOW + 60))
    with pytest.raises(LinkRefused) as refused:
        open_token(SETTINGS, other, NOW)
    assert refused.value.status == 403


def test_a_payload_changed_after_sealing_is_refused_before_it_is_read() -> None:
    version, body, tag = token().split(".")
    data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    data["u"] = "U0MALLORY"
    forged = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    with pytest.raises(LinkRefused) as refused:
        open_token(SETTINGS, f"{version}.{forged}.{tag}", NOW)
    assert (refused.value.status, refused.value.reason) == (403, "bad tag")


def test_a_card_buttons_seal_never_passes_for_a_link() -> None:
    value = seal(SETTINGS, platform="slack", tenant="T1", chat="C1", ref="f0a1b2c3d", action="file.get")
    with pytest.raises(LinkRefused):
        open_token(SETTINGS, value, NOW)


def test_the_link_is_our_route_under_the_public_url() -> None:
    assert link_url("https://x.example/api/", "v1.a.b") == "https://x.example/api/files/v1.a.b"


@given(st.text(max_size=700))
def test_any_string_is_refused_with_a_4xx_and_nothing_else(value: str) -> None:
    with pytest.raises(LinkRefused) as refused:
        open_token(SETTINGS, value, NOW)
    assert refused.value.status in (403, 410)


@given(st.binary(min_size=1, max_size=300))
def test_a_well_shaped_token_with_any_body_and_a_guessed_tag_is_refused(body: bytes) -> None:
    encoded = base64.urlsafe_b64encode(body).rstrip(b"=").decode()
    with pytest.raises(LinkRefused):
        open_token(SETTINGS, f"v1.{encoded.ljust(8, 'A')}.{'A' * 22}", NOW)
