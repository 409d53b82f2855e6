"""The archive's commands and its approval card (R6.4, R6.9, R6.10).

    files [words]            the group's archive, newest first (names and notes matching the words)
    file <id>                a link of one's own, sent privately: it works `link_minutes`, only for whoever
                             asked, and only while they are still a member (or hold an admin's grant)
    file note <id> <text>    the file's usage note (by whoever archived it, or an admin; `-` clears it)
    file log <id>            who was sent a link and who downloaded, newest first (admins)
    file upload              where the files one sends the bot privately go, for a while (WeCom, DingTalk)
    file approve|reject <r>  an outsider's request, as the card's buttons do (admins)

An outsider (a guest on the group's roster or per the directory, or someone who is not a member) asking
for a file gets no link: the group's admins get a card (Approve / Reject), sealed like every card
(`chalicelib.cardsign`), whose clicker's rights are checked on the server; an approval grants that file
for `grant_hours` and sends the link. A request is decided once. Every link issued is logged with the
member, so that `file log` and the download records (`chalicelib.files.downloads`) line up.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Literal

from chalicelib.authz import admins_of, directory_user, is_admin
from chalicelib.core.actions import Action, Decision, PostCard, Reply, SendDirect
from chalicelib.core.cards import Button, Card
from chalicelib.core.events import CardClicked, CommandIssued, Event
from chalicelib.core.ids import split_id
from chalicelib.core.localtime import local_day
from chalicelib.core.text import canonical
from chalicelib.files.archiving import human_size
from chalicelib.files.links import issue, link_url, new_claim
from chalicelib.files.records import DAY, ArchivedFile, FileRepo, LogEntry, Request
from chalicelib.i18n import t
from chalicelib.kernel.clicks import ClickAnswers, ClickGate
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context, load_context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.people import name_of
from chalicelib.membership.repository import MembershipRepo
from chalicelib.workflows import common

Standing = Literal["member", "guest", "outsider"]
NOTE_CHARS = 300
LOG_LINES = 20
SCAN_FOR_QUERY = 500
DECISIONS = {"approve": "approved", "reject": "rejected"}


def private(locale: str, key: str, **params: object) -> Decision:
    return Decision.of(Reply(text=t(locale, key, **params), private=True, reason=key))


def refused(locale: str, why: str) -> Decision:
    return dataclasses.replace(private(locale, "files.refused"), refused=why)


def in_group(event: Event) -> bool:
    return bool(event.chat) and not getattr(event, "direct", False)


# `files` ----------------------------------------------------------------------------------------------
def on_files(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not in_group(command):
        return private(ctx.locale, "files.need_group", prefix=prefix)
    settings = ctx.policy.archive
    words = [canonical(word) for word in command.args if canonical(word)]
    repo = FileRepo(deps.store)
    found: list[ArchivedFile] = []
    for file in repo.newest(command.gid, SCAN_FOR_QUERY if words else settings.list_limit):
        haystack = canonical(f"{file.name} {file.note}")
        if all(word in haystack for word in words):
            found.append(file)
        if len(found) >= settings.list_limit:
            break
    if not found:
        return private(ctx.locale, "files.list.none" if not words else "files.list.no_match", prefix=prefix)
    lines = [t(ctx.locale, "files.list.head", count=len(found))]
    offset = ctx.policy.jobs.utc_offset_hours
    names = {uploader: name_of(command, uploader, deps) for uploader in {f.uploader for f in found}}
    lines += [listing_line(file, ctx.locale, offset, by=names[file.uploader]) for file in found]
    lines.append(t(ctx.locale, "files.list.foot", prefix=prefix))
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="files.list"))


def listing_line(file: ArchivedFile, locale: str, offset_hours: float = 0.0, *, by: str = "") -> str:
    """One archived file: its id, name, size, uploader (named `by`, as the directory knows them) and the
    day it was archived, in the group's time zone (`offset_hours`, labelled)."""
    line = t(
        locale,
        "files.list.line",
        id=file.file_id,
        name=file.name,
        size=human_size(file.size),
        by=by or file.uploader,
        day=local_day(file.archived_at, offset_hours),
    )
    if file.note:
        line += "\n    " + t(locale, "files.list.note", note=file.note)
    return line


# `file ...` ------------------------------------------------------------------------------------------
def on_file(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    args = command.args
    sub = args[0].lower() if args else ""
    if sub == "upload":
        return _upload(command, ctx, deps)
    if sub == "note" and len(args) >= 2:
        return _note(command, ctx, deps, args[1], common.text_after(command, 2))
    if sub == "log" and len(args) >= 2:
        return _log(command, ctx, deps, args[1])
    if sub in DECISIONS and len(args) >= 2:
        return _decide_by_command(command, ctx, deps, sub, args[1].upper())
    if len(args) == 1 and sub not in ("note", "log", *DECISIONS):
        return _request(command, ctx, deps, args[0])
    return private(ctx.locale, "files.usage", prefix=prefix)


def _located(
    command: Event, ctx: Context, deps: Deps, file_id: str
) -> tuple[ArchivedFile, Context, Event] | None:
    """The file, its group's context, and the event as if it happened in that group."""
    repo = FileRepo(deps.store)
    gid = repo.locate(file_id.lower())
    if gid is None:
        return None
    platform, tenant, chat = split_id(gid)
    if (platform, tenant) != (command.platform, command.tenant):
        return None
    located = dataclasses.replace(command, chat=chat)
    gctx = ctx if chat == command.chat else load_context(located, deps)
    file = repo.get(gid, file_id.lower())
    return None if file is None else (file, gctx, located)


def _upload(command: CommandIssued, ctx: Context, deps: Deps) -> Decision:
    prefix = command_prefix(command.platform)
    if not in_group(command):
        return private(ctx.locale, "files.need_group", prefix=prefix)
    minutes = ctx.policy.archive.upload_window_minutes
    FileRepo(deps.store).set_destination(
        command.uid(command.user), command.gid, command.chat, until=ctx.now + minutes * 60
    )
    group = (ctx.group.name if ctx.group else "") or command.chat
    return private(
        ctx.locale, f"files.upload.{command.platform}", minutes=minutes, group=group, prefix=prefix
    )


def _note(command: CommandIssued, ctx: Context, deps: Deps, file_id: str, text: str) -> Decision:
    prefix = command_prefix(command.platform)
    found = _located(command, ctx, deps, file_id)
    if found is None:
        return private(ctx.locale, "files.missing", id=file_id, prefix=prefix)
    file, gctx, located = found
    if command.user != file.uploader and not is_admin(located, command.user, gctx, deps):
        return refused(gctx.locale, "file note by neither the uploader nor an admin")
    if not text.strip():
        return private(gctx.locale, "files.usage", prefix=prefix)
    note = "" if text.strip() == "-" else text.strip()[:NOTE_CHARS]
    FileRepo(deps.store).set_note(file, note, by=command.user)
    key = "files.note.cleared" if not note else "files.note.set"
    return private(gctx.locale, key, id=file.file_id, name=file.name)


def _log(command: CommandIssued, ctx: Context, deps: Deps, file_id: str) -> Decision:
    prefix = command_prefix(command.platform)
    found = _located(command, ctx, deps, file_id)
    if found is None:
        if in_group(command) and not is_admin(command, command.user, ctx, deps):
            return refused(ctx.locale, "file log by a non-admin")
        return private(ctx.locale, "files.missing", id=file_id, prefix=prefix)
    file, gctx, located = found
    if not is_admin(located, command.user, gctx, deps):
        return refused(gctx.locale, "file log by a non-admin")
    entries = FileRepo(deps.store).logs(file.gid, file.file_id, LOG_LINES)
    lines = [t(gctx.locale, "files.log.head", id=file.file_id, name=file.name, count=len(entries))]
    names = {user: name_of(located, user, deps) for user in {entry.user for entry in entries}}
    lines += [
        t(
            gctx.locale,
            f"files.log.{entry.kind}",
            at=common.when(entry.at, gctx.policy.jobs.utc_offset_hours),
            user=names[entry.user],
        )
        for entry in entries
        if entry.kind in ("link", "download", "refused")
    ]
    if not entries:
        lines.append(t(gctx.locale, "files.log.none"))
    return Decision.of(Reply(text="\n".join(lines), private=True, reason="files.log"))


# A link, or an admin's approval first ----------------------------------------------------------------
def standing(event: Event, user: str, ctx: Context, deps: Deps, *, asked_here: bool) -> Standing:
    """A member, a guest (on the group's roster, or a guest per the directory), or an outsider. Someone
    asking in the group itself is in it (the platform delivered their command from there); someone asking
    from elsewhere is a member only if the bot knows them as one. Admins are members. `event` is located
    in the file's group."""
    if is_admin(event, user, ctx, deps):
        return "member"
    uid = event.uid(user)
    membership = MembershipRepo(deps.store)
    if membership.guest_until(event.gid, uid) is not None:
        return "guest"
    person = directory_user(event, user, deps)
    if person is not None and person.is_guest:
        return "guest"
    if not asked_here and membership.is_member(event.gid, uid) is None:
        return "outsider"
    return "member"


def _request(command: CommandIssued, ctx: Context, deps: Deps, file_id: str) -> Decision:
    prefix = command_prefix(command.platform)
    found = _located(command, ctx, deps, file_id)
    if found is None:
        return private(ctx.locale, "files.missing", id=file_id, prefix=prefix)
    file, gctx, located = found
    asked_here = in_group(command) and command.chat == located.chat
    who = standing(located, command.user, gctx, deps, asked_here=asked_here)
    repo = FileRepo(deps.store)
    if who == "member":
        return issue_link(located, gctx, deps, file, command.user, ground="m")
    if repo.granted(file.gid, file.file_id, located.uid(command.user), gctx.now):
        return issue_link(located, gctx, deps, file, command.user, ground="g")
    if gctx.policy.archive.outsiders == "refuse":
        decision = private(gctx.locale, "files.outsider.refused", id=file.file_id)
        return dataclasses.replace(decision, refused=f"file asked for by a {who}; outsiders refused")
    admins = tuple(admin for admin in admins_of(gctx, located) if admin != command.user)
    if not admins:
        return private(gctx.locale, "files.request.no_admin")
    request = Request(
        ref=common.short_ref("R", command),
        gid=file.gid,
        file_id=file.file_id,
        user=command.user,
        at=gctx.now,
        standing=who,
    )
    if repo.open_request(request):
        point_request(deps, request.ref, file.gid, gctx.now)
    card = common.sealed(
        request_card(
            request, file, gctx.locale, command.platform, asker=name_of(command, command.user, deps)
        ),
        deps,
        platform=command.platform,
        tenant=command.tenant,
        chat=located.chat,
    )
    return Decision(
        Decision.of(
            PostCard(card=card, users=admins, reason="files.request"),
            Reply(
                text=t(gctx.locale, "files.request.sent", id=file.file_id, name=file.name),
                private=True,
                reason="files.request.sent",
            ),
        ).actions,
        audit={"file": {"requested": file.file_id, "standing": who, "ref": request.ref}},
    )


def issue_link(
    located: Event, gctx: Context, deps: Deps, file: ArchivedFile, user: str, *, ground: Literal["m", "g"]
) -> Decision:
    """A link for `user` to `file`, sent privately, and logged."""
    base = deps.settings.qg_public_url
    if not base:
        return private(gctx.locale, "files.link.unconfigured")
    settings = gctx.policy.archive
    expires = gctx.now + settings.link_minutes * 60
    claim = new_claim(gid=file.gid, file_id=file.file_id, user=user, ground=ground, expires_at=expires)
    url = link_url(base, issue(deps.store, claim))
    FileRepo(deps.store).log(
        file.gid, LogEntry(file.file_id, "link", user, gctx.now, detail=claim.nonce), ref=claim.nonce
    )
    text = t(
        gctx.locale,
        "files.link",
        name=file.name,
        size=human_size(file.size),
        url=url,
        minutes=settings.link_minutes,
    )
    if file.note:
        text += "\n" + t(gctx.locale, "files.list.note", note=file.note)
    actions: list[Action] = [SendDirect(user=user, text=text, reason="files.link")]
    if in_group(located) and not getattr(located, "direct", False) and isinstance(located, CommandIssued):
        actions.append(
            Reply(
                text=t(gctx.locale, "files.link.sent", id=file.file_id),
                private=True,
                reason="files.link.sent",
            )
        )
    return Decision(Decision.of(*actions).actions, audit={"file": {"link": file.file_id, "ground": ground}})


def request_card(request: Request, file: ArchivedFile, locale: str, platform: str, *, asker: str) -> Card:
    """The request's card for the admins; `asker` is who asked, by name (`name_of`)."""
    prefix = command_prefix(platform)
    return Card(
        card_id=f"file-{request.ref}",
        title=t(locale, "files.request.title", ref=request.ref),
        body=t(
            locale,
            "files.request.body",
            user=asker,
            standing=t(locale, f"files.standing.{request.standing}"),
            name=file.name,
            id=file.file_id,
        ),
        buttons=(
            Button(t(locale, "files.button.approve"), "file.approve", request.ref, "primary"),
            Button(t(locale, "files.button.reject"), "file.reject", request.ref, "danger"),
        ),
        fields=((t(locale, "files.field.size"), human_size(file.size)),),
        footer=t(locale, "files.request.footer", prefix=prefix, ref=request.ref),
    )


# Deciding a request ---------------------------------------------------------------------------------
CLICK_ANSWERS = ClickAnswers(invalid="files.card_invalid", refused="files.refused")


CARD_GATE = ClickGate(CLICK_ANSWERS, kinds=DECISIONS)


def on_card(click: CardClicked, ctx: Context, deps: Deps) -> Decision:
    opened = CARD_GATE.open(click, ctx, deps)
    if isinstance(opened, Decision):
        return opened
    sealed, gctx, kind = opened.sealed, opened.ctx, opened.kind
    outcome = _decide(click, opened.located, gctx, deps, kind=kind, ref=sealed.ref)
    if not isinstance(outcome, common.Decided):
        return outcome
    decision = outcome.decision
    what = t(gctx.locale, f"files.what.{kind}")
    line = t(gctx.locale, "files.handled", by=name_of(click, click.user, deps), what=what)
    title = t(gctx.locale, "files.request.title", ref=sealed.ref)
    update = common.handled(
        click, title=title, line=line, fallback_id=f"file-{sealed.ref}", reason="files.handled"
    )
    actions = Decision.of(*decision.actions, update).actions
    return dataclasses.replace(decision, actions=actions, acting_chat=common.acting(sealed.chat, click))


def _decide_by_command(command: CommandIssued, ctx: Context, deps: Deps, kind: str, ref: str) -> Decision:
    gid = _request_group(command, deps, ref)
    if gid is None:
        if in_group(command) and not is_admin(command, command.user, ctx, deps):
            return refused(ctx.locale, f"file request {kind} by a non-admin")
        return private(ctx.locale, "files.request.missing", ref=ref)
    chat = split_id(gid)[2]
    located = dataclasses.replace(command, chat=chat)
    gctx = ctx if chat == command.chat else load_context(located, deps)
    outcome = _decide(command, located, gctx, deps, kind=kind, ref=ref)
    if not isinstance(outcome, common.Decided):
        return outcome
    decision = outcome.decision
    done = Reply(
        text=t(
            gctx.locale,
            "files.handled",
            by=name_of(command, command.user, deps),
            what=t(gctx.locale, f"files.what.{kind}"),
        ),
        private=True,
        reason="files.handled",
    )
    actions = Decision.of(*decision.actions, done).actions
    return dataclasses.replace(decision, actions=actions, acting_chat=chat if chat != command.chat else "")


def _request_group(command: CommandIssued, deps: Deps, ref: str) -> str | None:
    """The group of a request: the one the command is given in, else the one it is pointed to from."""
    if in_group(command):
        return command.gid
    return common.locate(deps, f"file-request:{ref}")


def _decide(
    event: CardClicked | CommandIssued, located: Event, gctx: Context, deps: Deps, *, kind: str, ref: str
) -> common.Decided | Decision:
    """An admin decides a file request, once (`Decided`); otherwise the private answer why not."""
    user = event.user
    answer = functools.partial(common.answer, event, gctx.locale)
    if not is_admin(located, user, gctx, deps):
        return answer("files.refused", why=f"file request {kind} by a non-admin")
    repo = FileRepo(deps.store)
    request = repo.request(located.gid, ref)
    if request is None:
        return answer("files.request.missing", ref=ref)
    if not repo.decide_request(request, DECISIONS[kind], by=user, at=gctx.now):
        latest = repo.request(located.gid, ref) or request
        return answer("files.request.already", ref=ref, by=name_of(event, latest.decided_by, deps) or "?")
    file = repo.get(located.gid, request.file_id)
    actions: list[Action] = []
    if kind == "approve" and file is not None:
        until = gctx.now + gctx.policy.archive.grant_hours * 3600
        repo.grant(located.gid, file.file_id, located.uid(request.user), by=user, until=until)
        linked = issue_link(located, gctx, deps, file, request.user, ground="g")
        actions += linked.actions
    else:
        key = "files.request.rejected" if kind == "reject" else "files.request.gone"
        text = t(gctx.locale, key, id=request.file_id, by=name_of(event, user, deps))
        actions.append(SendDirect(user=request.user, text=text, reason=key))
    decision = Decision(
        Decision.of(*actions).actions,
        audit={"decided": {"ref": ref, "what": DECISIONS[kind], "by": user, "for": request.user}},
    )
    return common.Decided(decision, author=request.user)


KEEP_POINTER_DAYS = 30


def point_request(deps: Deps, ref: str, gid: str, now: float) -> None:
    common.point(deps, f"file-request:{ref}", gid, keep_until=now + KEEP_POINTER_DAYS * DAY)
