"""The parts of a group's page read on their own (htmx partials loaded with the page, so the page's own
loader stays as it is): the open announcements with who acknowledged and who not, and the group's files
from the file archive, a page at a time.

- `/console/groups/<gid>/announcements`: the group's announcements still open (`ANN#` items of its
  partition, read in one pass with their acknowledgements, which sort right after each; at most
  `MAX_ITEMS` items read), newest first, each with the names of who acknowledged (and when, in the
  group's time zone) and of who was asked and has not;
- `/console/groups/<gid>/files?before=<cursor>`: the archive's files newest first, `PAGE_SIZE` a page
  (the GSI2 `FILES#{gid}` by time archived, continued below the last one shown).

Both are for whoever may read the group (owners, auditors, its admins); 403 otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chalicelib.console.names import names_in
from chalicelib.console.web import BadRequest
from chalicelib.core.localtime import local
from chalicelib.http import Reply
from chalicelib.kernel.context import policies
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.console.web import View

MAX_ITEMS = 3000  # announcements and acknowledgements read for one page
MAX_SHOWN = 10  # open announcements shown
MAX_NAMES = 100  # names listed per announcement and side
PAGE_SIZE = 20
CURSOR = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ#[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class AnnouncementView:
    ref: str
    title: str
    by: str
    at: str
    expires: str
    ack: bool
    acked: tuple[tuple[str, str], ...]  # (name, when)
    waiting: tuple[str, ...]  # names
    acked_count: int
    waiting_count: int


@dataclass(frozen=True)
class FileView:
    name: str
    size: str
    uploader: str
    at: str
    note: str


def announcements(view: View) -> Reply:
    from chalicelib.workflows.announcements import Announcement, pending

    viewer = view.viewer
    group = viewer.group(view.param("gid"))
    offset = policies(viewer.deps).for_group(group.gid, viewer.now).jobs.utc_offset_hours
    found: list[tuple[Announcement, dict[str, float]]] = []
    current: tuple[Announcement, dict[str, float]] | None = None
    for number, item in enumerate(viewer.deps.store.query_items(keys.group_pk(group.gid), prefix="ANN#")):
        if number >= MAX_ITEMS:
            break
        if "#ACK#" in item.sk:
            if current is not None and item.sk.startswith(keys.announcement_acks_prefix(current[0].ref)):
                current[1][str(item.data.get("user", ""))] = float(item.data.get("at", 0.0))
            continue
        current = None
        if "ref" not in item.data or item.data.get("state", "open") != "open":
            continue
        current = (Announcement.of(item.data), {})
        found.append(current)
    found.sort(key=lambda pair: pair[0].at, reverse=True)
    shown = [
        (announcement, sorted(acked.items(), key=lambda pair: pair[1]), pending(announcement, acked))
        for announcement, acked in found[:MAX_SHOWN]
    ]
    users = {announcement.by for announcement, _, _ in shown}
    for _, acked_by, waiting in shown:
        users |= {user for user, _ in acked_by[:MAX_NAMES]} | set(waiting[:MAX_NAMES])
    names = names_in(viewer.deps, group.gid, sorted(users))
    rows = [
        AnnouncementView(
            ref=announcement.ref,
            title=announcement.title,
            by=names.get(announcement.by, announcement.by),
            at=local(announcement.at, offset),
            expires=local(announcement.expires_at, offset) if announcement.expires_at else "",
            ack=announcement.ack,
            acked=tuple((names.get(u, u), local(at, offset)) for u, at in acked_by[:MAX_NAMES]),
            waiting=tuple(names.get(u, u) for u in waiting[:MAX_NAMES]),
            acked_count=len(acked_by),
            waiting_count=len(waiting),
        )
        for announcement, acked_by, waiting in shown
    ]
    return view.render("_announcements.html", active="groups", group=group, announcements=rows)


def files(view: View) -> Reply:
    from chalicelib.files.records import ArchivedFile

    viewer = view.viewer
    group = viewer.group(view.param("gid"))
    before = view.query("before")
    if before and not CURSOR.match(before):
        raise BadRequest()
    offset = policies(viewer.deps).for_group(group.gid, viewer.now).jobs.utc_offset_hours
    items = list(
        viewer.deps.store.query_items(
            keys.files_by_age_pk(group.gid),
            index="GSI2",
            newest_first=True,
            below=before or None,
            limit=PAGE_SIZE + 1,
        )
    )
    page = [ArchivedFile.of(item.data) for item in items[:PAGE_SIZE]]
    names = names_in(viewer.deps, group.gid, [file.uploader for file in page])
    rows = [
        FileView(
            name=file.name or file.file_id,
            size=_size(file.size),
            uploader=names.get(file.uploader, file.uploader),
            at=local(file.archived_at, offset),
            note=file.note,
        )
        for file in page
    ]
    following = keys.files_by_age_sk(page[-1].archived_at, page[-1].file_id) if len(items) > PAGE_SIZE else ""
    return view.render(
        "_group_files.html", active="groups", group=group, files=rows, following=following, first=not before
    )


def _size(size: int) -> str:
    """A file's size as people read it: `812 B`, `1.4 MB`."""
    if size < 1024:
        return f"{size} B"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
