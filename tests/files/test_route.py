"""GET /files/{token}: the link checks before it serves. A token that is not ours, or was changed, is a
403 that is never parsed; an expired one a 410; a member who left gets a 403 (recorded against the file);
a file no longer archived a 404; a store outage a 503; never a 500. Each answer is a page people can read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.errors import StoreError
from chalicelib.files import wiring
from chalicelib.files.links import Ground, issue, new_claim
from chalicelib.files.records import ArchivedFile, FileRepo
from chalicelib.files.storage import FileStore
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import Item, MemberRecord
from local.fakes.server import FakeMessengers
from tests.files.conftest import PUBLIC_URL
from tests.files.support import follow
from tests.support.stack import Stack, running_stack

GID = "slack:T0FUNC:C0FUNC"
UID = "slack:T0FUNC:U0BOB"


@pytest.fixture
def archived_file(files_stack: Stack, storage: FileStore) -> ArchivedFile:
    stored = storage.put_stream(
        "files/x/f0000beef", iter([b"minutes"]), limit=1 << 20, content_type="text/plain"
    )
    file = ArchivedFile(
        file_id="f0000beef",
        gid=GID,
        name="纪要.txt",
        size=stored.size,
        content_type="text/plain",
        sha256=stored.sha256,
        key="files/x/f0000beef",
        version_id=stored.version_id,
        uploader="U0ALICE",
        archived_at=time.time(),
        doc="纪要",
    )
    FileRepo(files_stack.store).save(file)
    files_stack.store.put_member(MemberRecord(gid=GID, uid=UID, user="U0BOB"))
    return file


def link(stack: Stack, *, user: str = "U0BOB", ground: Ground = "m", expires_in: float = 900) -> str:
    claim = new_claim(
        gid=GID, file_id="f0000beef", user=user, ground=ground, expires_at=time.time() + expires_in
    )
    return issue(stack.store, claim)


def test_a_members_link_redirects_to_the_archived_bytes(
    files_stack: Stack, archived_file: ArchivedFile
) -> None:
    status, body, location = follow(files_stack, link(files_stack))
    assert (status, body) == (303, b"minutes")
    assert location.startswith("http://127.0.0.1") and "versionId=" in location


def test_an_expired_link_is_a_410_that_says_how_to_get_a_new_one(
    files_stack: Stack, archived_file: ArchivedFile
) -> None:
    response = files_stack.client.http.get(f"/files/{link(files_stack, expires_in=-1)}")
    assert response.status_code == 410
    assert "expired" in response.body.decode() and "过期" in response.body.decode()


def test_a_changed_or_foreign_token_is_a_403(files_stack: Stack, archived_file: ArchivedFile) -> None:
    token = link(files_stack)
    for forged in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "B" * 43, "v1.x.y", "nonsense"):
        assert files_stack.client.http.get(f"/files/{forged}").status_code == 403


def test_a_member_who_left_is_refused_and_the_refusal_is_recorded(
    files_stack: Stack, archived_file: ArchivedFile
) -> None:
    member = files_stack.store.get_member(GID, UID)
    assert member is not None
    files_stack.store.put_member(replace(member, role="former"))
    assert follow(files_stack, link(files_stack))[0] == 403
    assert [e.kind for e in FileRepo(files_stack.store).logs(GID, "f0000beef", 5)] == ["refused"]


def test_a_guest_needs_a_grant_that_still_holds(files_stack: Stack, archived_file: ArchivedFile) -> None:
    repo = FileRepo(files_stack.store)
    guest = "slack:T0FUNC:UGUEST01"
    assert follow(files_stack, link(files_stack, user="UGUEST01", ground="g"))[0] == 403
    repo.grant(GID, "f0000beef", guest, by="UADMIN1", until=time.time() + 60)
    assert follow(files_stack, link(files_stack, user="UGUEST01", ground="g"))[0] == 303
    repo.grant(GID, "f0000beef", guest, by="UADMIN1", until=time.time() - 1)
    assert follow(files_stack, link(files_stack, user="UGUEST01", ground="g"))[0] == 403


def test_a_file_no_longer_archived_is_a_404(files_stack: Stack, archived_file: ArchivedFile) -> None:
    FileRepo(files_stack.store).forget(archived_file)
    assert follow(files_stack, link(files_stack))[0] == 404


class UnavailableStore(MemoryStore):
    def get_item(self, pk: str, sk: str) -> Item | None:
        raise StoreError("throttled")


@pytest.fixture
def broken_stack(fake: FakeMessengers, storage: FileStore) -> Iterator[Stack]:
    with running_stack(fake, store=UnavailableStore(), qg_public_url=PUBLIC_URL) as stack:
        wiring.attach(stack.deps, storage=storage)
        yield stack


def test_a_store_outage_is_a_503(broken_stack: Stack) -> None:
    assert broken_stack.client.http.get(f"/files/{link(broken_stack)}").status_code == 503


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    token=st.text(
        alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="/?#%"),
        min_size=1,
        max_size=300,
    )
)
def test_any_token_gets_a_4xx_never_a_500(files_stack: Stack, token: str) -> None:
    assert files_stack.client.http.get(f"/files/{token}").status_code in (403, 410)
