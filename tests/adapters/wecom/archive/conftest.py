"""The fake Finance SDK, built once per session from its C source, and an SDK handle on the fake archive
(the suite's `archive` fixture, tests/conftest.py) per test."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.adapters.wecom.archive.sdk import FinanceSdk, load_library
from local.fakes.wecom_archive import FakeArchive

CORP_ID = "ww-archive-corp"
ARCHIVE_SECRET = "archive-secret"


@pytest.fixture(scope="session")
def library(finance_sdk_path: Path) -> ctypes.CDLL:
    return load_library(str(finance_sdk_path))


@pytest.fixture
def sdk(library: ctypes.CDLL, archive: FakeArchive) -> Iterator[FinanceSdk]:
    with FinanceSdk(library, CORP_ID, ARCHIVE_SECRET) as opened:
        yield opened
