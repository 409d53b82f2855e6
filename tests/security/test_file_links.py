"""Finding 8: file links were bearer tokens: any client holding one got the file for 15 minutes, as often
as it liked, and the token's payload was readable. Now the token is an opaque random id, a GET only shows
a confirmation bound to the first browser that opened it, and the confirmation from that browser spends
the link once. Every other client, and every second use, is refused with a page and recorded."""

# The archive's fixtures (a versioned bucket on moto, the stack whose archive it is) are imported from
# tests/files/conftest.py; each test takes them as arguments, which ruff reads as redefinitions.
# ruff: noqa: F811

from __future__ import annotations

import base64
import binascii
import time

from chalicelib.files.links import issue, new_claim
from chalicelib.files.records import ArchivedFile, FileRepo
from chalicelib.files.storage import FileStore
from chalicelib.store.records import MemberRecord
from tests.files.conftest import bucket, files_stack, s3, storage  # noqa: F401 - fixtures
from tests.files.support import confirm, follow, open_link
from tests.support.stack import Stack

GID = "slack:T0FUNC:C0FUNC"
FILE_ID = "f0000cafe"


def archive(stack: Stack, storage: FileStore) -> ArchivedFile:
    stored = storage.put_stream(
        f"files/x/{FILE_ID}", iter([b"minutes"]), limit=1 << 20, content_type="text/plain"
    )
    file = ArchivedFile(
        file_id=FILE_ID,
        gid=GID,
        name="纪要.txt",
        size=stored.size,
        content_type="text/plain",
        sha256=stored.sha256,
        key=f"files/x/{FILE_ID}",
        version_id=stored.version_id,
        uploader="U0ALICE",
        archived_at=time.time(),
        doc="纪要",
    )
    FileRepo(stack.store).save(file)
    stack.store.put_member(MemberRecord(gid=GID, uid="slack:T0FUNC:U0BOB", user="U0BOB"))
    return file


def link(stack: Stack) -> str:
    claim = new_claim(gid=GID, file_id=FILE_ID, user="U0BOB", ground="m", expires_at=time.time() + 900)
    return issue(stack.store, claim)


def refusals(stack: Stack) -> list[str]:
    return [entry.detail for entry in FileRepo(stack.store).logs(GID, FILE_ID, 20) if entry.kind == "refused"]


def test_the_token_carries_nothing_readable(files_stack: Stack, storage: FileStore) -> None:
    archive(files_stack, storage)
    token = link(files_stack)
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except binascii.Error:
        decoded = b""
    for secret in (b"U0BOB", FILE_ID.encode(), GID.encode(), b'"g"'):
        assert secret not in decoded and secret.decode() not in token


def test_a_get_never_leads_to_the_file(files_stack: Stack, storage: FileStore) -> None:
    archive(files_stack, storage)
    token = link(files_stack)
    for _ in range(3):
        response = files_stack.client.http.get(f"/files/{token}")
        assert response.status_code in (200, 403) and "Location" not in response.headers


def test_the_confirmation_sets_a_strict_session_cookie_on_a_page_without_script(
    files_stack: Stack,
    storage: FileStore,
) -> None:
    archive(files_stack, storage)
    response = files_stack.client.http.get(f"/files/{link(files_stack)}")
    cookie = response.headers["Set-Cookie"]
    assert all(flag in cookie for flag in ("HttpOnly", "Secure", "SameSite=Strict", "Max-Age="))
    assert "<script" not in response.body.decode() and 'method="post"' in response.body.decode()
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_link_opened_by_another_client_is_refused_and_recorded(
    files_stack: Stack,
    storage: FileStore,
) -> None:
    archive(files_stack, storage)
    token = link(files_stack)
    status, page, member_cookie = open_link(files_stack, token)
    assert status == 200 and member_cookie
    name = member_cookie.split("=", 1)[0]
    for other in (None, f"{name}=someone-elses-session"):
        status, refused, _ = open_link(files_stack, token, cookie=other)
        assert status == 403 and "another browser" in refused
        assert confirm(files_stack, token, page, other)[0] == 403
    assert len(refusals(files_stack)) == 4
    # The member's own browser still gets the file, once.
    status, location = confirm(files_stack, token, page, member_cookie)
    assert status == 303 and "X-Amz-Expires=" in location


def test_a_link_is_used_once_and_the_second_use_is_refused_and_recorded(
    files_stack: Stack,
    storage: FileStore,
) -> None:
    archive(files_stack, storage)
    token = link(files_stack)
    _, page, cookie = open_link(files_stack, token)
    assert confirm(files_stack, token, page, cookie)[0] == 303
    status, answer = confirm(files_stack, token, page, cookie)
    assert status == 410 and "used already" in answer
    assert open_link(files_stack, token, cookie=cookie)[0] == 410
    assert open_link(files_stack, token)[0] == 410
    kinds = [entry.kind for entry in FileRepo(files_stack.store).logs(GID, FILE_ID, 20)]
    assert kinds.count("download") == 1 and kinds.count("refused") == 3


def test_a_confirmation_without_its_csrf_token_is_refused(
    files_stack: Stack,
    storage: FileStore,
) -> None:
    archive(files_stack, storage)
    token = link(files_stack)
    _, page, cookie = open_link(files_stack, token)
    assert confirm(files_stack, token, "no form here", cookie)[0] == 403
    forged = page.replace('name="csrf" value="', 'name="csrf" value="AAAA')
    assert confirm(files_stack, token, forged, cookie)[0] == 403
    assert confirm(files_stack, token, page, cookie)[0] == 303  # not spent by the refusals


def test_the_member_flow_still_serves_the_archived_bytes(files_stack: Stack, storage: FileStore) -> None:
    archive(files_stack, storage)
    status, body, location = follow(files_stack, link(files_stack))
    assert (status, body) == (303, b"minutes") and "versionId=" in location
