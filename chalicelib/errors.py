"""The error hierarchy of the ingress layer. `chalicelib.ingress` maps each to its HTTP status, in
exactly one place; messages are safe to log and to return (no secrets, no message text)."""

from __future__ import annotations


class IngressError(Exception):
    """A request that must be refused. `status` is the HTTP status it maps to."""

    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class VerificationFailed(IngressError):
    """Bad or missing signature, stale timestamp, wrong receive id: the sender is not who it claims."""

    status = 401


class MalformedRequest(IngressError):
    """The request is authentic but its body or query cannot be understood."""

    status = 400


class PlatformDisabled(IngressError):
    """The platform behind this route has no settings, so it is switched off."""

    status = 404


class PayloadTooLarge(IngressError):
    status = 413


class UnsupportedMediaType(IngressError):
    status = 415


class StoreError(Exception):
    """The store could not do what was asked (throttled after retries, unavailable)."""


class MessengerError(Exception):
    """A messenger API refused or failed a call after its retries."""

    def __init__(
        self,
        platform: str,
        method: str,
        detail: str,
        *,
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(f"{platform} {method}: {detail}")
        self.platform = platform
        self.method = method
        self.detail = detail
        self.retryable = retryable
        self.retry_after = retry_after  # the platform's own Retry-After, when it named one


class CardUpdateRefused(MessengerError):
    """The platform will not update this card any more (WeCom: its response_code was used already or is
    past the 72 h it serves). No retry changes that; the executor tells the card's recipient instead."""
