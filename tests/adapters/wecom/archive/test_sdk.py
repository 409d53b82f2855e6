"""The ctypes binding, run against the fake SDK built from C with the vendor's ABI: paging by seq,
binary-safe reads, the vendor's error codes, media in chunks, and inputs refused before the library
(which would abort the process) ever sees them."""

from __future__ import annotations

import ctypes
import json
import subprocess
from pathlib import Path

import pytest

from chalicelib.adapters.wecom.archive.errors import ArchiveConfigError, BadInput, SdkError
from chalicelib.adapters.wecom.archive.keys import PrivateKeys
from chalicelib.adapters.wecom.archive.sdk import FinanceSdk, load_library
from local.fakes.wecom_archive import FakeArchive


def _text(msgid: str, content: str) -> dict[str, object]:
    return {
        "msgid": msgid,
        "action": "send",
        "from": "XuJinSheng",
        "tolist": ["icefog"],
        "roomid": "wrjc7bDwYAOAhf9quEwRRxyyoMm0QAAA",
        "msgtime": 1547087894783,
        "msgtype": "text",
        "text": {"content": content},
    }


def test_get_chat_data_returns_items_after_the_seq_asked_for_up_to_the_limit(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    for n in range(5):
        archive.post(_text(f"m{n}", f"hello {n}"))
    page = json.loads(sdk.get_chat_data(2, 2))
    assert page["errcode"] == 0
    assert [item["seq"] for item in page["chatdata"]] == [3, 4]
    assert json.loads(sdk.get_chat_data(5, 100))["chatdata"] == []


def test_an_item_decrypts_with_the_rsa_key_of_its_version_then_decrypt_data(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    archive.post(_text("m1", "身份证 11010519491231002X"))
    item = json.loads(sdk.get_chat_data(0, 10))["chatdata"][0]
    keys = PrivateKeys.from_json(archive.private_keys_json())
    random_key = keys.decrypt_random_key(item["publickey_ver"], item["encrypt_random_key"])
    message = json.loads(sdk.decrypt_data(random_key, item["encrypt_chat_msg"]))
    assert message["text"]["content"] == "身份证 11010519491231002X"


def test_decrypt_data_with_the_wrong_key_is_the_vendors_decrypt_failure(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    archive.post(_text("m1", "hello"))
    item = json.loads(sdk.get_chat_data(0, 10))["chatdata"][0]
    with pytest.raises(SdkError) as failure:
        sdk.decrypt_data("not-the-key-at-all", item["encrypt_chat_msg"])
    assert failure.value.code == 10006
    assert not failure.value.retryable


@pytest.mark.parametrize(
    ("key", "message"),
    [("", "cWdmYWtlMTp4eHh4eHh4eHh4eA=="), ("key", ""), ("key", "c2hvcnQ="), ("key", "not base64 at all!!")],
)
def test_inputs_that_would_abort_the_vendor_library_are_refused_before_the_call(
    sdk: FinanceSdk, key: str, message: str
) -> None:
    # The fake aborts the process on these, as the real library does: reaching it would end the test run.
    with pytest.raises(BadInput):
        sdk.decrypt_data(key, message)


def test_an_sdk_network_error_is_retryable_and_named(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.sdk_error(10001)
    with pytest.raises(SdkError) as failure:
        sdk.get_chat_data(0, 10)
    assert failure.value.code == 10001
    assert failure.value.retryable
    assert "network" in str(failure.value)


def test_a_server_side_errcode_comes_back_in_the_json(sdk: FinanceSdk, archive: FakeArchive) -> None:
    archive.fail_with(301042, "get chatdata whiteip not match")
    assert json.loads(sdk.get_chat_data(0, 10))["errcode"] == 301042


@pytest.mark.parametrize(("seq", "limit"), [(-1, 10), (0, 0), (0, 1001)])
def test_out_of_range_paging_is_refused(sdk: FinanceSdk, seq: int, limit: int) -> None:
    with pytest.raises(BadInput):
        sdk.get_chat_data(seq, limit)


def test_media_comes_in_chunks_until_finished_and_keeps_nul_bytes(
    sdk: FinanceSdk, archive: FakeArchive
) -> None:
    data = bytes(range(256)) * 5000  # 1.28 MB: three chunks of at most 512 KB, NULs included
    archive.add_media("CtYBMzA2OTAy/file+id==", data)
    chunks = list(sdk.media_chunks("CtYBMzA2OTAy/file+id=="))
    assert len(chunks) == 3
    assert b"".join(chunks) == data


def test_an_unknown_sdkfileid_is_the_vendors_fileid_error(sdk: FinanceSdk) -> None:
    with pytest.raises(SdkError) as failure:
        list(sdk.media_chunks("no-such-file"))
    assert failure.value.code == 10005


def test_init_refuses_missing_credentials(library: ctypes.CDLL) -> None:
    with pytest.raises(ArchiveConfigError):
        FinanceSdk(library, "ww-corp", "")


def test_a_missing_library_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveConfigError, match="no file"):
        load_library(str(tmp_path / "libWeWorkFinanceSdk_C.so"))


def test_a_library_without_the_abi_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "other.c"
    source.write_text("int NewSdk(void) { return 0; }\n")
    library = tmp_path / "libother.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(library), str(source)], check=True)  # noqa: S607
    with pytest.raises(ArchiveConfigError, match="not the Finance SDK"):
        load_library(str(library))
