"""The archive's private keys: the JSON setting, one key per `publickey_ver`, clear errors that never
show a key, and the key generator that prints the public key to upload."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from chalicelib.adapters.wecom.archive import keygen
from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError, UndecryptableMessage
from chalicelib.adapters.wecom.archive.keys import MissingKeyVersion, PrivateKeys
from local.fakes.wecom_archive import FakeArchive


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", "{}", '{"v1": "-----BEGIN RSA PRIVATE KEY-----"}', '{"1": 42}', '{"1": "hello"}'],
)
def test_a_malformed_setting_is_a_configuration_error(text: str) -> None:
    with pytest.raises(ArchiveConfigError, match="WECOM_ARCHIVE_PRIVATE_KEYS"):
        PrivateKeys.from_json(text)


def test_a_key_that_does_not_load_names_its_version_not_its_content() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n"
    keys = PrivateKeys.from_json(json.dumps({"3": pem}))
    with pytest.raises(ArchiveConfigError) as failure:
        keys.decrypt_random_key(3, base64.b64encode(b"x" * 256).decode())
    assert "publickey_ver 3" in str(failure.value) and "bm90" not in str(failure.value)


def test_each_item_is_decrypted_with_the_key_of_its_version(tmp_path: Path) -> None:
    archive = FakeArchive(tmp_path)
    first = archive.version
    second = archive.rotate_key()
    keys = PrivateKeys.from_json(archive.private_keys_json())
    assert keys.versions == (str(first), str(second))
    public = serialization.load_pem_private_key(
        archive.private_keys()[str(first)].encode(), password=None
    ).public_key()
    encrypted = base64.b64encode(public.encrypt(b"random-key-1", padding.PKCS1v15())).decode()  # type: ignore[union-attr]
    assert keys.decrypt_random_key(first, encrypted) == "random-key-1"
    with pytest.raises(UndecryptableMessage):
        keys.decrypt_random_key(second, encrypted)  # the other version's key
    with pytest.raises(MissingKeyVersion):
        keys.decrypt_random_key(9, encrypted)
    with pytest.raises(UndecryptableMessage):
        keys.decrypt_random_key(first, "not base64!")


def test_keygen_prints_the_public_key_and_keeps_the_private_key_to_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "archive-key-4.pem"
    assert keygen.main(["4", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "-----BEGIN PUBLIC KEY-----" in printed and "PRIVATE KEY-----" not in printed
    assert '"4"' in printed
    assert os.stat(out).st_mode & 0o777 == 0o600
    private = serialization.load_pem_private_key(out.read_bytes(), password=None)
    shown = printed[
        printed.index("-----BEGIN PUBLIC KEY-----") : printed.index("-----END PUBLIC KEY-----") + 24
    ]
    assert (
        private.public_key()
        .public_bytes(  # the printed key is this private key's
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
        .strip()
        == shown.strip()
    )


def test_keygen_never_overwrites_a_key(tmp_path: Path) -> None:
    out = tmp_path / "archive-key-1.pem"
    out.write_text("an existing key")
    assert keygen.main(["1", "--out", str(out)]) == 2
    assert out.read_text() == "an existing key"
