"""This domain's section of the group policy. It lives in `chalicelib.core.sections.membership`:
core assembles the policy and imports no domain."""

from __future__ import annotations

from chalicelib.core.sections.membership import (
    Approval,
    DepartureSettings,
    InactivityExempt,
    InactivitySettings,
    JoinSettings,
    MembershipSettings,
    RealNameSettings,
    UnqualifiedAction,
    WelcomeSettings,
)

__all__ = [
    "Approval",
    "DepartureSettings",
    "InactivityExempt",
    "InactivitySettings",
    "JoinSettings",
    "MembershipSettings",
    "RealNameSettings",
    "UnqualifiedAction",
    "WelcomeSettings",
]
