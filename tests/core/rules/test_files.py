"""R3.6, R6.1, R6.3 files: types, sizes, descriptions, naming, versions."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.core.events import Event, FileInfo
from chalicelib.core.policy import FilesSettings
from chalicelib.core.rules.files import FilesRule, doc_key_and_version
from tests.core.factories import NOW, context, file_shared, message

RULE = FilesRule(FilesSettings())


def reasons(rule: FilesRule, event: Event, **signals: Any) -> list[str]:
    return [f.reason_key for f in rule.evaluate(event, context(**signals))]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("方案-v2.docx", ("方案", (2,))),
        ("方案_v3.pdf", ("方案", (3,))),
        ("方案v2.docx", ("方案", (2,))),
        ("plan_v1.3.pdf", ("plan", (1, 3))),
        ("Plan V2.0.pptx", ("plan", (2,))),  # trailing zeros do not count
        ("报告（第3版）", ("报告", (3,))),
        ("报告(第 12 版).docx", ("报告", (12,))),
        ("报告第三版.docx", ("报告", (3,))),
        ("报告第十二版.docx", ("报告", (12,))),
        ("design rev 4.key", ("design", (4,))),
    ],
)
def test_versions_are_recognised(name: str, expected: tuple[str, tuple[int, ...]]) -> None:
    assert doc_key_and_version(name) == expected


@pytest.mark.parametrize("name", ["dev2.docx", "Overview.pdf", "v2.docx", "会议纪要.docx", "report (2).pdf"])
def test_names_without_a_version(name: str) -> None:
    assert doc_key_and_version(name) is None


def test_an_older_version_after_a_newer_one_is_flagged() -> None:
    event = file_shared("方案-v1.docx", caption="旧版本给大家参考")
    [finding] = RULE.evaluate(event, context(known_versions={"方案": (2,)}))
    assert finding.reason_key == "moderation.reason.files.old_version"
    assert finding.params == {"name": "方案-v1.docx", "version": "v1", "latest": "v2"}
    assert (finding.points, finding.delete) == (0, False)


@pytest.mark.parametrize("known", [{}, {"方案": (2,)}, {"方案": (1, 9)}, {"其他": (9,)}])
def test_the_same_or_a_newer_version_is_fine(known: dict[str, tuple[int, ...]]) -> None:
    assert reasons(RULE, file_shared("方案-v2.docx", caption="第二版"), known_versions=known) == []


def test_a_file_needs_a_description() -> None:
    assert reasons(RULE, file_shared("会议纪要.docx")) == ["moderation.reason.files.description"]
    assert reasons(RULE, file_shared("会议纪要.docx", caption="周会纪要")) == []
    assert reasons(RULE, file_shared("会议纪要.docx"), last_message_at=NOW - 60) == []
    assert reasons(RULE, file_shared("会议纪要.docx"), last_message_at=NOW - 600) == [
        "moderation.reason.files.description"
    ]


def test_a_message_with_files_uses_its_text_as_the_caption() -> None:
    event = message("本周周报", files=(FileInfo(file_id="F", name="周报.pdf"),))
    assert reasons(RULE, event) == []


def test_disallowed_types_and_oversized_files_cost_points() -> None:
    [kind] = RULE.evaluate(file_shared("setup.exe", caption="安装包"), context())
    assert (kind.reason_key, kind.points) == ("moderation.reason.files.type", 0.5)
    [size] = RULE.evaluate(file_shared("video.mp4", caption="录屏", size=300 * 1024 * 1024), context())
    assert size.reason_key == "moderation.reason.files.size"
    assert size.params["size_mb"] == 300.0


@pytest.mark.parametrize("name", ["Report.PDF", "图片.JPG", "no_extension"])
def test_allowed_types_pass(name: str) -> None:
    assert reasons(RULE, file_shared(name, caption="说明")) == []


def test_name_pattern_nudges_with_an_example() -> None:
    rule = FilesRule(FilesSettings(name_pattern=r"[^-]+-[^-]+-v\d+\.\w+", name_example="项目-文档-v1.docx"))
    [finding] = rule.evaluate(file_shared("随便.docx", caption="看看"), context())
    assert finding.reason_key == "moderation.reason.files.name_example"
    assert finding.params["example"] == "项目-文档-v1.docx"
    assert rule.evaluate(file_shared("项目-方案-v1.docx", caption="看看"), context()) == []


def test_messages_without_files_are_not_the_files_rules_business() -> None:
    assert reasons(RULE, message("no files here")) == []
