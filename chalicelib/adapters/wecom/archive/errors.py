"""What can go wrong with the archive, as one small hierarchy, with the SDK's return codes explained.

`retryable` says whether the same call may succeed later (a network error) or needs an operator (an IP
not on the trusted list, an expired licence, a key that was never configured): the puller retries the
first with back-off and raises the second to the operators once.
"""

from __future__ import annotations

# The Finance SDK's return codes (WeWorkFinanceSdk_C.h, doc path/91774).
SDK_CODES: dict[int, str] = {
    10000: "bad parameters",
    10001: "network error (WeCom unreachable)",
    10002: "data parse failed",
    10003: "system error",
    10004: "key-pair decrypt failed",
    10005: "bad sdkfileid",
    10006: "decrypt failed",
    10007: "no private key for this publickey_ver: upload the public key again",
    10008: "bad encrypt_key",
    10009: "IP not allowed: add this server's egress IP to the archive's trusted IPs",
    10010: "data expired (the archive keeps about 5 days)",
    10011: "certificate error",
}
RETRYABLE_SDK_CODES = frozenset({10001, 10003})
# Server-side errcodes inside GetChatData's JSON that need an operator, not a retry.
OPERATOR_ERRCODES: dict[int, str] = {
    301042: "this server's IP is not on the archive's trusted IP list",
    301052: "the message archive licence has expired",
}


class ArchiveError(Exception):
    """Anything the archive path refuses or fails at. `retryable`: the same call may succeed later."""

    retryable = False


class ArchiveConfigError(ArchiveError):
    """The settings are wrong: no SDK at the path, a private key that does not load, bad JSON."""


class SdkError(ArchiveError):
    """The SDK returned a non-zero code (or WeCom an errcode inside its answer)."""

    def __init__(self, call: str, code: int, detail: str = "") -> None:
        self.call = call
        self.code = code
        meaning = SDK_CODES.get(code) or OPERATOR_ERRCODES.get(code) or "unknown error"
        super().__init__(f"{call} returned {code}: {meaning}{f' ({detail})' if detail else ''}")
        self.retryable = code in RETRYABLE_SDK_CODES


class BadInput(ArchiveError):
    """An input the SDK must never see (the vendor library aborts the process on some): refused here."""


class UndecryptableMessage(ArchiveError):
    """One archived item could not be decrypted: recorded and reported, the others go on."""
