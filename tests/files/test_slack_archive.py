"""The archive end to end on Slack: a file shared in a channel is streamed into S3 once (the upload arrives
as a message and as `file_shared`), members list the archive and get a link of their own, which goes
through our route to S3 and is recorded; the link log is for admins; notes show in listings and links."""

from __future__ import annotations

import hashlib
from typing import Any

from chalicelib.core.localtime import local_day
from chalicelib.files.records import FileRepo
from local.fakes.server import FakeMessengers
from tests.files import talk
from tests.files.support import apply_policy, archived, follow, said, token_in
from tests.functional import conversations as conv
from tests.support.stack import Stack

GID = f"slack:{conv.SLACK_TEAM}:C0FUNC"
ADMIN = "UADMIN1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 400


def share(
    stack: Stack, fake: FakeMessengers, ref: str, name: str, *, data: bytes = PDF, user: str = "U0ALICE"
) -> None:
    fake.files.add("slack", ref, data, name=name, content_type="application/pdf")
    response = stack.send(
        talk.slack_file_message(ref, name=name, size=len(data), mimetype="application/pdf", user=user)
    )
    assert response.status_code == 200


def command(stack: Stack, fake: FakeMessengers, text: str, user: str = "U0BOB") -> None:
    response = stack.send(conv.slack_command(text, fake.hook_url("slack-files"), user=user))
    assert response.status_code == 200


def test_a_shared_file_is_archived_once_with_its_bytes_and_the_poster_is_told(
    files_stack: Stack, fake: FakeMessengers, s3: Any, bucket: str
) -> None:
    share(files_stack, fake, "F0MIN0001", "周会纪要-v1.pdf")
    assert files_stack.send(talk.slack_file_shared("F0MIN0001")).status_code == 200  # the twin event

    (file,) = archived(files_stack, GID)
    assert (file.name, file.size, file.uploader, file.doc, file.version) == (
        "周会纪要-v1.pdf",
        len(PDF),
        "U0ALICE",
        "周会纪要",
        (1,),
    )
    assert file.sha256 == hashlib.sha256(PDF).hexdigest()
    assert s3.get_object(Bucket=bucket, Key=file.key, VersionId=file.version_id)["Body"].read() == PDF
    assert fake.files.downloads.count(("slack", "F0MIN0001")) == 1
    told = said(fake, "chat.postEphemeral", file.file_id)
    assert len(told) == 1 and "周会纪要-v1.pdf" in told[0]


def test_a_member_lists_the_archive_and_gets_a_private_link_that_leads_to_the_bytes_and_is_recorded(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    share(files_stack, fake, "F0MIN0002", "预算表.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, "files 预算")
    assert said(fake, "/hooks/slack-files", file.file_id)

    command(files_stack, fake, f"file {file.file_id}")
    (dm,) = said(fake, "chat.postMessage", "预算表.pdf")
    status, body, location = follow(files_stack, token_in(dm))
    assert status == 303 and body == PDF and "X-Amz-Expires=60" in location

    kinds = [(entry.kind, entry.user) for entry in FileRepo(files_stack.store).logs(GID, file.file_id, 10)]
    assert sorted(kinds) == [("download", "U0BOB"), ("link", "U0BOB")]


def test_the_usage_note_shows_in_listings_and_links_and_only_the_uploader_or_an_admin_sets_it(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0MIN0003", "接口说明.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, f"file note {file.file_id} 只读，勿外传", user="U0CAROL")
    assert FileRepo(files_stack.store).get(GID, file.file_id).note == ""  # type: ignore[union-attr]
    command(files_stack, fake, f"file note {file.file_id} 只读，勿外传", user="U0ALICE")
    command(files_stack, fake, "files")
    assert said(fake, "/hooks/slack-files", "只读，勿外传")
    command(files_stack, fake, f"file {file.file_id}")
    (dm,) = said(fake, "chat.postMessage", "接口说明.pdf")
    assert "只读，勿外传" in dm


def test_the_listing_dates_files_in_the_groups_time_zone(files_stack: Stack, fake: FakeMessengers) -> None:
    apply_policy(files_stack, jobs={"utc_offset_hours": -5})
    share(files_stack, fake, "F0DAY0001", "周报.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, "files")
    (listing,) = said(fake, "/hooks/slack-files", "周报.pdf")
    assert f"{local_day(file.archived_at, -5)}" in listing and "(UTC-5)" in listing


def test_the_log_is_for_admins(files_stack: Stack, fake: FakeMessengers) -> None:
    apply_policy(files_stack, admins=[f"slack:{conv.SLACK_TEAM}:{ADMIN}"])
    share(files_stack, fake, "F0MIN0004", "合同.pdf")
    (file,) = archived(files_stack, GID)
    command(files_stack, fake, f"file {file.file_id}")
    command(files_stack, fake, f"file log {file.file_id}")  # U0BOB, a member
    assert not said(fake, "/hooks/slack-files", "U0BOB ")
    command(files_stack, fake, f"file log {file.file_id}", user=ADMIN)
    (log,) = said(fake, "/hooks/slack-files", "合同.pdf")
    assert "Member 0BOB" in log and "U0BOB" not in log  # named as the directory knows them


def test_the_listing_names_the_uploader_as_the_directory_knows_them(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    share(files_stack, fake, "F0WHO0001", "名单.pdf", user="U0ALICE")
    command(files_stack, fake, "files")
    (listing,) = said(fake, "/hooks/slack-files", "名单.pdf")
    assert "Member LICE" in listing and "U0ALICE" not in listing  # the fake names U0ALICE "Member LICE"


def test_a_new_version_is_chained_to_the_old_one_and_its_readers_are_told(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    share(files_stack, fake, "F0PLAN001", "方案-v1.pdf", data=b"version one")
    (first,) = archived(files_stack, GID)
    command(files_stack, fake, f"file {first.file_id}")
    follow(files_stack, token_in(said(fake, "chat.postMessage", "方案-v1.pdf")[0]))

    share(files_stack, fake, "F0PLAN002", "方案-v2.pdf", data=b"version two", user="U0CAROL")
    second = next(f for f in archived(files_stack, GID) if f.name == "方案-v2.pdf")
    assert (second.doc, second.version, second.previous) == ("方案", (2,), first.file_id)
    (told,) = said(fake, "chat.postMessage", second.file_id)
    assert "v2" in told
    assert [
        call.body["channel"] for call in fake.sent("chat.postMessage") if second.file_id in str(call.body)
    ] == ["D0BOB"]


def test_the_same_bytes_are_not_stored_twice(
    files_stack: Stack, fake: FakeMessengers, s3: Any, bucket: str
) -> None:
    share(files_stack, fake, "F0DUP0001", "报价.pdf")
    share(files_stack, fake, "F0DUP0002", "报价（副本）.pdf")
    (file,) = archived(files_stack, GID)
    (told,) = said(fake, "chat.postEphemeral", "报价（副本）.pdf")
    assert file.file_id in told
    prefix = file.key.rsplit("/", 1)[0] + "/"
    assert [v["Key"] for v in s3.list_object_versions(Bucket=bucket, Prefix=prefix)["Versions"]] == [file.key]


def test_files_over_the_cap_and_files_the_bot_cannot_fetch_are_not_archived_and_the_poster_is_told(
    files_stack: Stack, fake: FakeMessengers
) -> None:
    apply_policy(files_stack, archive={"max_size_mb": 0.001})
    share(files_stack, fake, "F0BIG0001", "大文件.pdf")
    assert said(fake, "chat.postEphemeral", "0.001 MB")
    fake.files.add("slack", "F0EXT0001", b"", name="Drive doc", external=True)
    assert files_stack.send(talk.slack_file_shared("F0EXT0001")).status_code == 200
    assert said(fake, "chat.postEphemeral", "Drive doc")
    assert archived(files_stack, GID) == []
