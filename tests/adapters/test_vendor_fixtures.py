"""The vendors' own samples among the golden payloads are listed, with their sources, in
tests/fixtures/README.md, and each names where it was published."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VENDOR_SAMPLES = sorted(FIXTURES.glob("*/vendor_*.json"))


def test_every_platform_has_vendor_samples() -> None:
    assert {path.parent.name for path in VENDOR_SAMPLES} == {"slack", "wecom", "dingtalk"}


@pytest.mark.parametrize("path", VENDOR_SAMPLES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_a_vendor_sample_is_listed_in_the_readme_with_its_source(path: Path) -> None:
    source = json.loads(path.read_text(encoding="utf-8"))["source"]
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert f"`{path.name}` | [{source['title']}]({source['url']})" in readme
