"""Incidents, decided purely: severities as people write them, when a group is isolated, when a spike
alerts, and the report's timeline built from the incident's updates and the audit log."""

from __future__ import annotations

import pytest

from chalicelib.store.records import AuditRecord
from chalicelib.workflows.incidents import (
    Incident,
    Update,
    crossed,
    isolates,
    report_text,
    severity_of,
    timeline,
)
from chalicelib.workflows.settings import IncidentSettings

T0 = 1_700_000_000.0


@pytest.mark.parametrize(
    ("word", "severity"),
    [
        ("high", "high"),
        ("HIGH", "high"),
        ("sev1", "critical"),
        ("p3", "medium"),
        ("紧急", "critical"),
        ("低", "low"),
        ("urgent", None),
    ],
)
def test_a_severity_is_read_in_several_spellings(word: str, severity: str | None) -> None:
    assert severity_of(word) == severity


@pytest.mark.parametrize(
    ("severity", "isolate_from", "isolated"),
    [("high", "high", True), ("critical", "high", True), ("medium", "high", False), ("low", "low", True)],
)
def test_a_group_is_isolated_from_the_configured_severity_on(
    severity: str, isolate_from: str, isolated: bool
) -> None:
    settings = IncidentSettings(isolate_from=isolate_from)
    assert isolates(severity, settings) is isolated  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("before", "threshold", "alerts"),
    [(9, 10, True), (8, 10, False), (10, 10, False), (0, 1, True), (5, 0, False)],
    ids=["reaches", "below", "past-it-already", "first", "off"],
)
def test_only_the_event_that_reaches_the_threshold_alerts(before: int, threshold: int, alerts: bool) -> None:
    assert crossed(before, threshold) is alerts


INCIDENT = Incident("I1", "slack:T1:C1", "C1", "UADMIN", T0, "high", "钓鱼链接", ("UADMIN", "UOPS"))


def record(at: float, actor: str, *actions: str) -> AuditRecord:
    return AuditRecord(
        gid="slack:T1:C1", audit_id=str(at), at=at, event_type="CommandIssued", actor=actor, actions=actions
    )


def test_the_timeline_merges_updates_and_audit_records_in_time_order_since_the_opening() -> None:
    updates = [Update(T0, "UADMIN", "opened", "钓鱼链接"), Update(T0 + 600, "UOPS", "update", "已删除")]
    audit = [
        record(T0 + 300, "U9", "DeleteMessage:rule.ads"),
        record(T0 - 60, "U8", "Warn:rule.flood"),  # before the incident
        record(T0 + 900, "U7"),  # did nothing
    ]
    lines = timeline(INCIDENT, updates, audit, "zh-CN")
    assert len(lines) == 3
    assert "开启事件" in lines[0] and "DeleteMessage" in lines[1] and "已删除" in lines[2]


def test_the_report_names_the_summary_responders_duration_and_timeline() -> None:
    text = report_text(
        INCIDENT,
        closed_by="UADMIN",
        closed_at=T0 + 5400,
        summary="已清除",
        acknowledged=["UOPS"],
        lines=["09:00 x"],
        locale="en",
    )
    assert "after 90 min" in text and "Summary: 已清除" in text and "Responders: UOPS" in text
    assert text.endswith("Timeline:\n09:00 x")


NAMES = {"UADMIN": "Ada Wong", "UOPS": "Oz Park", "U9": "Nine Lu"}


def test_the_timeline_and_the_report_name_people_never_by_their_ids() -> None:
    updates = [Update(T0, "UADMIN", "opened", "钓鱼链接"), Update(T0 + 600, "UOPS", "update", "已删除")]
    audit = [record(T0 + 300, "U9", "DeleteMessage:rule.ads"), record(T0 + 400, "qunguan", "Warn:rule.ads")]
    lines = timeline(INCIDENT, updates, audit, "en", name=NAMES.__getitem__)
    text = report_text(
        INCIDENT,
        closed_by="UADMIN",
        closed_at=T0 + 5400,
        summary="已清除",
        acknowledged=["UOPS"],
        lines=lines,
        locale="en",
        name=NAMES.__getitem__,
    )
    assert "Ada Wong" in text and "Responders: Oz Park" in text and "Nine Lu" in text
    assert "qunguan" in text  # the bot's own steps, as they are
    assert not any(user in text for user in NAMES)
