"""R6.5, R6.6, R6.8, R6.10: a file shared where the bot can get it goes into the archive.

Where the file comes from, per platform (the bot can only archive what the messenger hands it):

- Slack: every file shared in a channel the bot is in (`file_shared`, and the `message` that carries it,
  which has the name, size and type; `files.info` otherwise); a file sent to the bot directly goes to the
  group named with `file upload`.
- WeCom: only files sent privately to the self-built app (`MediaId`); they go to the group in which the
  member said `@qunguan file upload` in the last `upload_window_minutes`. Files sent to the AI bot come
  encrypted for it, and are not archived: the member is asked to send them to the app.
- DingTalk: pictures in an @-message to the robot in a group go to that group; files (which DingTalk
  delivers only in a one-to-one chat with the robot) go to the group named with `file upload`.

Each messenger file is claimed once (`FILESRC`, Slack sends one upload twice); it is streamed into S3
(`chalicelib.files.storage`: size cap, sha256, nothing held whole in memory), and its record joins the
group's archive and its document's version chain (the files rule's document key and version). Bytes the
group archived before are not stored twice. The poster is told privately what was archived and how to
get it, or why it was not and what to do instead; whoever downloaded an earlier version of the document
is told privately of the new one. A failure worth retrying frees the claim and fails the event, so the
queue delivers it again.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.actions import NOTHING, Action, Decision, Reply, SendDirect
from chalicelib.core.events import Event, FileInfo, FileShared, MessagePosted
from chalicelib.core.localtime import local
from chalicelib.core.rules.files import split_extension, version_label
from chalicelib.errors import MessengerError
from chalicelib.files import wiring
from chalicelib.files.records import DAY, ArchivedFile, FileRepo, document_of, new_file_id
from chalicelib.files.sources import Download, Unavailable
from chalicelib.files.storage import Stored, TooLarge, object_key
from chalicelib.i18n import t
from chalicelib.kernel.commands import command_prefix
from chalicelib.kernel.context import Context
from chalicelib.kernel.deps import Deps
from chalicelib.kernel.where import Where, where_in, where_of

log = logging.getLogger("qunguan.files")

SKIPPED_DAYS = 30
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "audio/amr": "amr",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
}


def shared_files(event: Event) -> tuple[FileInfo, ...]:
    if isinstance(event, FileShared):
        return (event.file,)
    if isinstance(event, MessagePosted):
        if not event.files:
            return ()
        # The WeCom AI bot's pictures inside an @-message are encrypted URLs: not files anyone shared.
        return tuple(f for f in event.files if not (event.platform == "wecom" and _is_url(f.file_id)))
    return ()


def _is_url(ref: str) -> bool:
    return ref.startswith(("http://", "https://"))


def is_private(event: Event) -> bool:
    """Sent to the bot rather than shared in a group (a Slack DM channel id starts with D)."""
    if getattr(event, "direct", False) or not event.chat:
        return True
    return event.platform == "slack" and event.chat.startswith("D")


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def on_files(event: Event, ctx: Context, deps: Deps) -> Decision:
    files = shared_files(event)
    if not files:
        return NOTHING  # what every message without a file costs here
    user = str(getattr(event, "user", "") or "")
    if not user:
        return Decision()
    place = _place(event, ctx, deps, user)
    if place is None:
        return _tell(event, ctx.locale, "files.upload.where", prefix=command_prefix(event.platform))
    settings = place.ctx.policy.archive
    if not settings.enabled or place.ctx.group is None or not place.ctx.group.enabled:
        return Decision()
    if wiring.storage(deps) is None:
        log.info("files shared in %s but QG_ARCHIVE_BUCKET is not set: not archived", event.platform)
        return Decision()
    parts = [_archive_one(event, place, deps, user, file) for file in files]
    return Decision.merge(*parts)


def _place(event: Event, ctx: Context, deps: Deps, user: str) -> Where[Event] | None:
    """The group a file goes to: the one it was shared in, or the destination its sender chose for a
    private upload (`file upload`)."""
    if not is_private(event):
        return where_in(deps, event, ctx)
    destination = FileRepo(deps.store).destination(event.uid(user), ctx.now)
    if destination is None:
        return None
    return where_of(deps, dataclasses.replace(event, chat=destination.chat))


def _archive_one(event: Event, place: Where[Event], deps: Deps, user: str, info: FileInfo) -> Decision:
    repo = FileRepo(deps.store)
    gctx = place.ctx
    settings = gctx.policy.archive
    now = gctx.now
    retention = int(gctx.policy.retention.get("files", 365))
    keep_until = now + retention * DAY
    if not repo.claim_source(event.platform, event.tenant, info.file_id, place.gid, now):
        return Decision()  # archived already, or being archived by the twin of this event
    fetcher = wiring.fetcher(deps, event.platform)
    cap = int(settings.max_size_mb * 1024 * 1024)

    def skipped(reason: str, key: str, **params: Any) -> Decision:
        repo.settle_source(
            event.platform,
            event.tenant,
            info.file_id,
            gid=place.gid,
            state="skipped",
            now=now,
            keep_until=now + SKIPPED_DAYS * DAY,
            reason=reason,
        )
        log.info("file on %s not archived: %s", event.platform, reason)
        return _tell(event, gctx.locale, key, audit={"file": {"skipped": reason}}, **params)

    download: Download | None = None
    name = info.name
    try:
        described = fetcher.describe(event.tenant, info.file_id)
        name = name or described.name
        size = info.size if info.size is not None else described.size
        refused = _refused_by_rule(gctx, name, size)
        if refused:
            return skipped(refused, "files.skip.refused", name=name or "?")
        if size is not None and size > cap:
            return skipped(
                "too_large", "files.skip.too_large", name=name or "?", max_mb=f"{settings.max_size_mb:g}"
            )
        download = fetcher.open(event.tenant, info.file_id)
        file_id = new_file_id()
        key = object_key(place.gid, file_id)
        content_type = info.mime_type or described.content_type or download.content_type
        name = name or download.name or _made_up_name(now, content_type)
        stored = wiring.storage(deps).put_stream(  # type: ignore[union-attr]  # checked in on_files
            key, download.chunks, limit=cap, content_type=content_type
        )
    except Unavailable as gone:
        hint = _hint_key(event)
        return skipped(gone.reason, hint, name=name or "?", prefix=command_prefix(event.platform))
    except TooLarge:
        return skipped(
            "too_large", "files.skip.too_large", name=name or "?", max_mb=f"{settings.max_size_mb:g}"
        )
    except MessengerError as exc:
        repo.release_source(event.platform, event.tenant, info.file_id)
        if exc.retryable:
            return Decision(retry=f"{exc.platform} {exc.method}: {exc.detail}")
        return skipped("refused", _hint_key(event), name=name or "?", prefix=command_prefix(event.platform))
    except Exception as exc:  # S3 (botocore) failures: free the claim; the queue delivers the event again
        repo.release_source(event.platform, event.tenant, info.file_id)
        log.warning("archiving a file from %s failed: %s", event.platform, type(exc).__name__)
        return Decision(retry=type(exc).__name__)
    finally:
        if download is not None:
            download.close()
    landed = Landed(info.file_id, name, content_type, key, file_id, stored, keep_until)
    return _recorded(event, place, deps, user, landed)


@dataclass(frozen=True)
class Landed:
    """A file's bytes in S3, before its record exists."""

    source_id: str  # the messenger's id of the file
    name: str
    content_type: str
    key: str
    file_id: str
    stored: Stored
    keep_until: float


def _recorded(event: Event, place: Where[Event], deps: Deps, user: str, landed: Landed) -> Decision:
    source_id, name, content_type = landed.source_id, landed.name, landed.content_type
    key, file_id, stored, keep_until = landed.key, landed.file_id, landed.stored, landed.keep_until
    repo = FileRepo(deps.store)
    gctx = place.ctx
    now = gctx.now
    prefix = command_prefix(event.platform)
    same = repo.same_content(place.gid, stored.sha256)
    if same is not None:  # these bytes are archived already: keep one copy
        wiring.storage(deps).delete_version(key, stored.version_id)  # type: ignore[union-attr]
        repo.settle_source(
            event.platform,
            event.tenant,
            source_id,
            gid=place.gid,
            state="done",
            now=now,
            keep_until=keep_until,
            file_id=same.file_id,
        )
        return _tell(event, gctx.locale, "files.archived.same", name=name, id=same.file_id, prefix=prefix)
    doc, version = document_of(name)
    chain = repo.chain(place.gid, doc)
    file = ArchivedFile(
        file_id=file_id,
        gid=place.gid,
        name=name,
        size=stored.size,
        content_type=content_type,
        sha256=stored.sha256,
        key=key,
        version_id=stored.version_id,
        uploader=user,
        archived_at=now,
        doc=doc,
        version=version,
        previous=chain.latest,
    )
    repo.save(file)
    repo.settle_source(
        event.platform,
        event.tenant,
        source_id,
        gid=place.gid,
        state="done",
        now=now,
        keep_until=keep_until,
        file_id=file_id,
    )
    group = (gctx.group.name if gctx.group else "") or place.chat
    key_name = "files.archived.private" if is_private(event) else "files.archived"
    told = _tell(
        event,
        gctx.locale,
        key_name,
        name=name,
        size=human_size(file.size),
        id=file_id,
        group=group,
        prefix=prefix,
        audit={"file": {"archived": file_id, "doc": doc}},
    )
    actions: list[Action] = list(told.actions)
    newest = chain.with_file(file).latest == file_id
    if chain.entries and newest and gctx.policy.archive.notify_new_versions:
        label = version_label(version) if version else local(now, gctx.policy.jobs.utc_offset_hours)
        for reader in repo.readers(place.gid, doc):
            if reader == user:
                continue
            text = t(
                gctx.locale,
                "files.new_version",
                name=name,
                version=label,
                group=group,
                id=file_id,
                prefix=prefix,
            )
            actions.append(SendDirect(user=reader, text=text, reason="files.new_version"))
    return Decision(Decision.of(*actions).actions, audit=told.audit)


def _refused_by_rule(ctx: Context, name: str, size: int | None) -> str:
    """What the files rule refuses (when `skip_refused`): a type it does not allow, a size over its cap."""
    if not ctx.policy.archive.skip_refused or ctx.policy.effective_mode("files") == "off":
        return ""
    rule = ctx.policy.rules.files
    _, extension = split_extension(name)
    if rule.allowed_extensions and extension and extension not in rule.allowed_extensions:
        return "type"
    if size is not None and size > rule.max_size_mb * 1024 * 1024:
        return "rule_size"
    return ""


def _made_up_name(now: float, content_type: str) -> str:
    stamp = datetime.fromtimestamp(now, UTC).strftime("%Y%m%d-%H%M%S")
    kind = "image" if content_type.startswith("image/") else "file"
    extension = EXTENSIONS.get(content_type, "bin")
    return f"{kind}-{stamp}.{extension}"


def _hint_key(event: Event) -> str:
    """How else to archive a file the bot could not get, per platform."""
    return f"files.skip.unavailable.{event.platform}"


def _tell(
    event: Event, locale: str, key: str, *, audit: dict[str, Any] | None = None, **params: Any
) -> Decision:
    """A private word to whoever shared or sent the file."""
    user = str(getattr(event, "user", "") or "")
    text = t(locale, key, **params)
    action: Action = (
        SendDirect(user=user, text=text, reason=key)
        if is_private(event)
        else Reply(text=text, private=True, reason=key)
    )
    return Decision(Decision.of(action).actions, audit=audit or {})
