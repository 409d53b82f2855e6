"""The `membership` section of a group's policy (`GroupPolicy.membership`): join gate, real names,
welcome, departures and inactivity exits. `default_policy.yaml` spells the same defaults out with
comments, and a test keeps the two equal.

Defaults follow LANDSCAPE.md section 5: qualification checked against the directory on join, the admins
approve the unqualified (reminder after 24 h, auto-reject after 72 h), a 72 h grace for real names, and
karrot's inactivity lifecycle (mark at 30 days with a nudge, final notice at 90, removal at 97) in dry-run
until an admin turns it on. This module must not import `chalicelib.core.policy` (which imports it).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chalicelib.core.patterns import check_pattern

Approval = Literal["none", "admins", "approvers"]
UnqualifiedAction = Literal["admit", "approve", "remove"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JoinSettings(_Section):
    """R2.1, R2.2, R2.4. `approval` says who decides join requests: the group's admins, or the policy's
    `approvers` (the admins when none are named). `unqualified` is what happens to a newcomer who is
    neither an active employee nor on the guest roster; `review_all` sends every newcomer to approval.
    A platform guest (Slack guest, external contact) qualifies only on the roster unless `guests_qualify`
    is `always`."""

    check: bool = True
    approval: Approval = "admins"
    unqualified: UnqualifiedAction = "approve"
    review_all: bool = False
    guests_qualify: Literal["roster", "always"] = "roster"
    guest_days: int = Field(default=30, ge=1)
    reminder_hours: int = Field(default=24, ge=0)
    timeout_hours: int = Field(default=72, ge=1)

    @model_validator(mode="after")
    def _someone_approves(self) -> JoinSettings:
        if self.approval == "none" and (self.unqualified == "approve" or self.review_all):
            raise ValueError("join requests need approvers: set approval to admins or approvers")
        if self.reminder_hours >= self.timeout_hours:
            raise ValueError("reminder_hours must come before timeout_hours")
        return self


class RealNameSettings(_Section):
    """R2.3. The name a member shows must contain their directory name (`match_directory`) and, where
    `pattern` is set, match it whole (`^(?P<name>[^-]+)-(?P<dept>.+)$` for 姓名-部门; a group named `name`
    is compared with the directory name). A member who does not conform is nudged privately; after
    `grace_hours` the admins get a report card (or the member is removed, `after_grace: remove`)."""

    enabled: bool = True
    pattern: str | None = None
    example: str = ""
    match_directory: bool = True
    grace_hours: int = Field(default=72, ge=1)
    after_grace: Literal["report", "remove"] = "report"

    @field_validator("pattern")
    @classmethod
    def _runs_in_linear_time(cls, value: str | None) -> str | None:
        reason = check_pattern(value) if value else None
        if reason:
            raise ValueError(reason)
        return value or None


class WelcomeSettings(_Section):
    """R2.7. A welcome in the group's language with a summary of the rules (`rules_summary`, or the
    shipped summary when empty); with `acknowledge`, each newcomer gets a button to confirm they have read
    them, is reminded once after `remind_hours` (0: never), and who has not is tracked."""

    enabled: bool = True
    rules_summary: str = ""
    acknowledge: bool = True
    remind_hours: int = Field(default=24, ge=0)


class DepartureSettings(_Section):
    """R2.5, R2.8. Someone who leaves the company is removed from every governed group (an admin card
    where the platform cannot remove), and a neutral notice without private details is posted; a
    department change opens a review card for the admins."""

    remove: bool = True
    notice: bool = True
    review_transfers: bool = True


class InactivityExempt(_Section):
    roles: tuple[str, ...] = ("owner", "admin")
    members: tuple[str, ...] = ()


class InactivitySettings(_Section):
    """R2.9, R8.7, karrot's lifecycle: marked (with a private nudge) after `mark_days` without a message,
    a final notice at `final_days`, removal at `remove_days` and never sooner than `remove_days -
    final_days` after the final notice. Speaking again reinstates. `dry_run` reports to the admins and
    changes nothing. Where the bot cannot see every message (WeCom, DingTalk: @-mentions only), silence
    proves nothing, so with `visible_only` the job only reports there."""

    enabled: bool = True
    dry_run: bool = True
    mark_days: int = Field(default=30, ge=1)
    nudge: bool = True
    final_days: int = Field(default=90, ge=1)
    remove_days: int = Field(default=97, ge=1)
    visible_only: bool = True
    exempt: InactivityExempt = InactivityExempt()

    @model_validator(mode="after")
    def _in_order(self) -> InactivitySettings:
        if not self.mark_days < self.final_days < self.remove_days:
            raise ValueError("mark_days < final_days < remove_days")
        return self


class MembershipSettings(_Section):
    join: JoinSettings = JoinSettings()
    real_names: RealNameSettings = RealNameSettings()
    welcome: WelcomeSettings = WelcomeSettings()
    departures: DepartureSettings = DepartureSettings()
    inactivity: InactivitySettings = InactivitySettings()
