"""What the console's work pages act on, set up as the domains leave it: a join request waiting for an
approver, a publishing draft, an announcement with its acknowledgements, archived files, kept messages
and a person linked across platforms. Each helper writes through the domain's own repository."""

from __future__ import annotations

from chalicelib.core.ids import user_id
from chalicelib.files.records import ArchivedFile, FileRepo
from chalicelib.membership.repository import JoinRequest, MembershipRepo
from chalicelib.persons.records import Person, Sanction
from chalicelib.persons.repository import PersonRepo
from chalicelib.store.message_log import Entry, to_item
from chalicelib.workflows.announcements import Announcement, Announcements
from chalicelib.workflows.publishing import Submission, Submissions, plan
from tests.console.world import ConsoleWorld, gid, uid

HOUR = 3600.0


def join_request(world: ConsoleWorld, chat: str, user: str, *, name: str = "") -> JoinRequest:
    """A newcomer waiting for approval (not qualified, `approve`): in the group, their request pending."""
    world.member(chat, user, name=name)
    now = world.clock.now()
    return MembershipRepo(world.store).open_request(
        gid(chat), uid(user), user, standing="outsider", now=now, due_at=now + 24 * HOUR
    )


def draft(world: ConsoleWorld, chat: str, author: str, ref: str, text: str) -> Submission:
    """A member's `publish <text>`, waiting for an approver."""
    now = world.clock.now()
    submission = Submission(
        ref=ref,
        gid=gid(chat),
        chat=chat,
        by=author,
        at=now,
        text=text,
        approvers=("UADA",),
        plan=plan(now, (24.0,), 72.0),
    )
    assert Submissions(world.store).create(submission)
    return submission


def announcement(
    world: ConsoleWorld,
    chat: str,
    ref: str,
    *,
    audience: tuple[str, ...],
    acked: tuple[str, ...],
    state: str = "open",
) -> Announcement:
    now = world.clock.now()
    posted = Announcement(
        ref=ref,
        gid=gid(chat),
        chat=chat,
        by="UADA",
        at=now,
        text=f"Fire drill on Friday ({ref})\nBring your badge.",
        ack=True,
        audience=audience,
        state=state,
    )
    repo = Announcements(world.store)
    assert repo.create(posted)
    for user in acked:
        repo.acknowledge(posted, user, uid(user), now + 60)
    return posted


def archived_file(world: ConsoleWorld, chat: str, number: int, *, uploader: str) -> ArchivedFile:
    file = ArchivedFile(
        file_id=f"f{number:08x}",
        gid=gid(chat),
        name=f"plan-{number:02d}.pdf",
        size=1536 * (number + 1),
        content_type="application/pdf",
        sha256=f"{number:064x}",
        key=f"files/{number}",
        version_id="v1",
        uploader=uploader,
        archived_at=world.clock.now() - (30 - number) * HOUR,
        doc=f"plan-{number:02d}",
    )
    FileRepo(world.store).save(file)
    return file


def kept_message(world: ConsoleWorld, chat: str, user: str, text: str, *, ago: float) -> None:
    """A message the group's log kept with its text (`retention.messages`)."""
    at = world.clock.now() - ago
    entry = Entry(kind="msg", user=user, at=at, message_id=f"m{int(at)}", text=text)
    world.store.put_item(to_item(gid(chat), entry, keep_days=30))


def linked_person(world: ConsoleWorld, user: str, *, other: str) -> Person:
    """A person with the Slack identity `user` and a WeCom one `other`, linked by an admin."""
    repo = PersonRepo(world.store)
    person = repo.create(uid(user), via="directory", by="ops", at=world.clock.now())
    return repo.link(
        person, user_id("wecom", "corp1", other), via="admin", by=uid("UADA"), at=world.clock.now()
    )


def group_ban(world: ConsoleWorld, person: Person, chat: str, user: str, reason: str) -> Sanction:
    now = world.clock.now()
    sanction = Sanction(
        sid=f"s-{chat}",
        pid=person.pid,
        kind="ban",
        scope="group",
        target=gid(chat),
        reason=reason,
        by=uid("UADA"),
        at=now,
        until=now + 30 * 24 * HOUR,
        gid=gid(chat),
        uid=uid(user),
    )
    assert PersonRepo(world.store).impose(sanction)
    return sanction
