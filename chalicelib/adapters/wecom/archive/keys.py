"""The company's archive private keys, by `publickey_ver`, and the RSA step of decrypting an item.

`WECOM_ARCHIVE_PRIVATE_KEYS` is a JSON object `{"<publickey_ver>": "<PEM RSA private key>", ...}`: WeCom
increases the version at every upload of a public key, and items pulled later may still carry an older
one, so every key still needed stays configured. Each item's `encrypt_random_key` is base64 of an RSA
PKCS#1 v1.5 encryption, with the public key of its `publickey_ver`, of the string `DecryptData` needs
(doc path/91774: "encrypt_random_key ... 采用RSA加密算法进行加密处理后base64 encode的内容 ... RSA使用PKCS1").
Keys are parsed when first used; an error names the version, never the key.
"""

from __future__ import annotations

import binascii
import json
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError, UndecryptableMessage

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.padding import AsymmetricPadding
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey


_RANDOM_KEY = re.compile(rb"[\x21-\x7e]{8,256}")


class MissingKeyVersion(UndecryptableMessage):
    """An item was encrypted for a `publickey_ver` whose private key is not configured."""


def _refused(version: object) -> UndecryptableMessage:
    return UndecryptableMessage(
        f"encrypt_random_key does not decrypt with the key of publickey_ver {version}"
    )


@lru_cache(maxsize=1)
def _pkcs1v15() -> AsymmetricPadding:
    """The padding WeCom encrypts with (PKCS#1 v1.5), made once: cryptography is loaded on first use."""
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15

    return PKCS1v15()


def private_decrypt(key: RSAPrivateKey, ciphertext: bytes) -> bytes:
    """The RSA step proper: one RSA-2048 private-key operation (PKCS#1 v1.5), OpenSSL's through
    `cryptography`, the only one an archived item costs (the benchmark times exactly this call)."""
    return key.decrypt(ciphertext, _pkcs1v15())


class PrivateKeys:
    def __init__(self, pems: Mapping[str, str]) -> None:
        self._pems = dict(pems)
        self._loaded: dict[str, RSAPrivateKey] = {}

    @classmethod
    def from_json(cls, text: str) -> PrivateKeys:
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ArchiveConfigError("WECOM_ARCHIVE_PRIVATE_KEYS is not JSON") from exc
        if not isinstance(value, dict) or not value:
            raise ArchiveConfigError(
                'WECOM_ARCHIVE_PRIVATE_KEYS must be a JSON object {"<publickey_ver>": "<PEM>", ...}'
            )
        for version, pem in value.items():
            if not str(version).isdigit() or not isinstance(pem, str) or "PRIVATE KEY" not in pem:
                raise ArchiveConfigError(f"WECOM_ARCHIVE_PRIVATE_KEYS[{version!r}] is not a PEM private key")
        return cls({str(version): pem for version, pem in value.items()})

    @property
    def versions(self) -> tuple[str, ...]:
        return tuple(sorted(self._pems, key=int))

    def decrypt_random_key(self, version: object, encrypted: str) -> str:
        """The plain random key of one item. Raises `MissingKeyVersion` or `UndecryptableMessage`.

        One RSA-2048 private-key operation (`private_decrypt`: about 0.23 ms here, as fast as `openssl
        speed rsa2048` signs): the rest (the key, loaded once per version; the padding, made once;
        base64) costs about a microsecond."""
        key = self._key(str(version))
        try:
            # strict: base64's alphabet and padding only, as `b64decode(validate=True)`, in one C call.
            plain = private_decrypt(key, binascii.a2b_base64(encrypted, strict_mode=True))
        except (binascii.Error, ValueError) as exc:
            raise _refused(version) from exc
        # OpenSSL answers a wrong key with "implicit rejection" (RFC 8017 errata, against Bleichenbacher):
        # random bytes instead of an error. WeCom's keys are short printable strings; random bytes never are.
        if not _RANDOM_KEY.fullmatch(plain):
            raise _refused(version)
        return plain.decode("ascii")

    def _key(self, version: str) -> RSAPrivateKey:
        found = self._loaded.get(version)
        if found is not None:
            return found
        pem = self._pems.get(version)
        if pem is None:
            raise MissingKeyVersion(
                f"no private key for publickey_ver {version}: add it to WECOM_ARCHIVE_PRIVATE_KEYS"
            )
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        try:
            loaded = load_pem_private_key(pem.encode(), password=None)
        except (ValueError, TypeError) as exc:
            raise ArchiveConfigError(f"the private key of publickey_ver {version} does not load") from exc
        if not isinstance(loaded, RSAPrivateKey):
            raise ArchiveConfigError(f"the private key of publickey_ver {version} is not an RSA key")
        self._loaded[version] = loaded
        return loaded
