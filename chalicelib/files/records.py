"""The archive's records in the table, through the store's generic items (keys in `chalicelib.store.keys`).

In the group's partition: each file (`FILE#{id}`, on GSI2 `FILES#{gid}` by the time it was archived, which
the cleanup reads below its cutoff and `files` reads newest first), the versions of each document
(`FDOC#{doc}`), the bytes already archived (`FSHA#{sha256}`), the log of links issued and downloads
(`FLOG#{id}#{time}#{ref}`, kept as long as the audit log), who read which document (`FREAD#{doc}#{uid}`),
outsiders' requests (`FREQ#{ref}`) and grants (`FGRANT#{id}#{uid}`). Apart from it: a pointer from each
file id to its group (`FILEREF#{id}`), each file as the messenger names it, claimed once
(`FILESRC#...`), and where a person's private uploads go for a while (`FUPLOAD#{uid}`).

A file record has no TTL: the cleanup deletes it together with its S3 versions (`chalicelib.files.expiry`),
so that a record never outlives its bytes or the other way round.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.core.rules.files import doc_key_and_version, split_extension
from chalicelib.core.text import canonical
from chalicelib.errors import StoreError
from chalicelib.store import keys
from chalicelib.store.base import Store
from chalicelib.store.records import Item

DAY = 86400
LOG_DAYS = 400  # as long as the audit log
CLAIM_SECONDS = 900  # an archiving attempt that died frees its claim after this long
SKIPPED_DAYS = 30
MAX_VERSIONS = 50  # versions of one document kept in its chain
CHAIN_ATTEMPTS = 5
REQUEST_DAYS = 30


def new_file_id() -> str:
    """An id people can type: `f` and eight hex digits."""
    return "f" + secrets.token_hex(4)


def document_of(name: str) -> tuple[str, tuple[int, ...]]:
    """The document a file name is a version of (the files rule's key) and which version: `方案-v2.docx`
    is ("方案", (2,)). A name without a version is its own document, version ()."""
    found = doc_key_and_version(name)
    if found is not None:
        return found
    base, _ = split_extension(name)
    return canonical(base) or canonical(name) or "-", ()


def source_digest(source_id: str) -> str:
    """A messenger's file id or download code, hashed: the codes are long and some are bearer-like."""
    return hashlib.sha256(source_id.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ArchivedFile:
    file_id: str
    gid: str
    name: str
    size: int
    content_type: str
    sha256: str
    key: str  # the S3 object
    version_id: str  # the S3 version that holds these bytes
    uploader: str  # native id
    archived_at: float
    doc: str
    version: tuple[int, ...] = ()
    previous: str = ""  # the document's latest version before this one
    note: str = ""
    note_by: str = ""

    def data(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "gid": self.gid,
            "name": self.name,
            "size": self.size,
            "content_type": self.content_type,
            "sha256": self.sha256,
            "key": self.key,
            "version_id": self.version_id,
            "uploader": self.uploader,
            "archived_at": self.archived_at,
            "doc": self.doc,
            "version": list(self.version),
            "previous": self.previous,
            "note": self.note,
            "note_by": self.note_by,
        }

    @staticmethod
    def of(data: Mapping[str, Any]) -> ArchivedFile:
        return ArchivedFile(
            file_id=str(data["file_id"]),
            gid=str(data["gid"]),
            name=str(data.get("name", "")),
            size=int(data.get("size", 0)),
            content_type=str(data.get("content_type", "")),
            sha256=str(data.get("sha256", "")),
            key=str(data.get("key", "")),
            version_id=str(data.get("version_id", "")),
            uploader=str(data.get("uploader", "")),
            archived_at=float(data.get("archived_at", 0.0)),
            doc=str(data.get("doc", "")),
            version=tuple(int(part) for part in data.get("version", ())),
            previous=str(data.get("previous", "")),
            note=str(data.get("note", "")),
            note_by=str(data.get("note_by", "")),
        )


@dataclass(frozen=True)
class Chain:
    """The versions of one document in a group, in the order they were archived."""

    doc: str
    entries: tuple[tuple[str, tuple[int, ...], float], ...] = ()  # (file id, version, archived at)
    rev: int = 0  # how many times it was written: a change is made only on the revision it was read at
    stored: bool = False

    @property
    def latest(self) -> str:
        """The newest version: the highest version number, the latest archived among equals."""
        if not self.entries:
            return ""
        return max(self.entries, key=lambda entry: (entry[1], entry[2]))[0]

    def with_file(self, file: ArchivedFile) -> Chain:
        entries = (*self.entries, (file.file_id, file.version, file.archived_at))
        return replace(self, entries=entries[-MAX_VERSIONS:])

    def without(self, file_id: str) -> Chain:
        return replace(self, entries=tuple(entry for entry in self.entries if entry[0] != file_id))


@dataclass(frozen=True)
class LogEntry:
    file_id: str
    kind: str  # link | download | refused
    user: str
    at: float
    detail: str = ""


@dataclass(frozen=True)
class Destination:
    gid: str
    chat: str
    until: float


@dataclass(frozen=True)
class Request:
    ref: str
    gid: str
    file_id: str
    user: str
    at: float
    standing: str  # guest | outsider
    state: str = "pending"  # pending | approved | rejected
    decided_by: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class FileRepo:
    def __init__(self, store: Store) -> None:
        self.store = store

    # Sources: each messenger file archived once ------------------------------------------------------
    def claim_source(self, platform: str, tenant: str, source_id: str, gid: str, now: float) -> bool:
        """True for the first attempt on this file; False while another holds it or it was handled."""
        item = Item(
            keys.file_source_pk(platform, tenant, source_digest(source_id)),
            keys.FILE_SOURCE_SK,
            {"gid": gid, "state": "archiving", "at": now},
            expires_at=int(now) + CLAIM_SECONDS,
        )
        return self.store.put_item(item, if_absent=True)

    def settle_source(
        self,
        platform: str,
        tenant: str,
        source_id: str,
        *,
        gid: str,
        state: str,
        now: float,
        keep_until: float,
        file_id: str = "",
        reason: str = "",
    ) -> None:
        data = {"gid": gid, "state": state, "at": now, "file_id": file_id, "reason": reason}
        pk = keys.file_source_pk(platform, tenant, source_digest(source_id))
        self.store.put_item(Item(pk, keys.FILE_SOURCE_SK, data, expires_at=int(keep_until)))

    def release_source(self, platform: str, tenant: str, source_id: str) -> None:
        self.store.delete_item(
            keys.file_source_pk(platform, tenant, source_digest(source_id)), keys.FILE_SOURCE_SK
        )

    # Files ------------------------------------------------------------------------------------------
    def save(self, file: ArchivedFile) -> None:
        pk = keys.group_pk(file.gid)
        self.store.put_item(
            Item(
                pk,
                keys.file_sk(file.file_id),
                file.data(),
                gsi2=(keys.files_by_age_pk(file.gid), keys.files_by_age_sk(file.archived_at, file.file_id)),
            )
        )
        self.store.put_item(Item(keys.file_pointer_pk(file.file_id), keys.FILE_POINTER_SK, {"gid": file.gid}))
        self.store.put_item(Item(pk, keys.file_content_sk(file.sha256), {"file_id": file.file_id}))
        self._change_chain(file.gid, file.doc, lambda chain: chain.with_file(file))

    def same_content(self, gid: str, sha256: str) -> ArchivedFile | None:
        """The file already archived in the group with these bytes, if it is still there."""
        item = self.store.get_item(keys.group_pk(gid), keys.file_content_sk(sha256))
        return None if item is None else self.get(gid, str(item.data.get("file_id", "")))

    def get(self, gid: str, file_id: str) -> ArchivedFile | None:
        if not file_id:
            return None
        item = self.store.get_item(keys.group_pk(gid), keys.file_sk(file_id))
        return None if item is None else ArchivedFile.of(item.data)

    def locate(self, file_id: str) -> str | None:
        """The group a file id belongs to (ids are global, so a direct message may name only the file)."""
        item = self.store.get_item(keys.file_pointer_pk(file_id), keys.FILE_POINTER_SK)
        return None if item is None else str(item.data.get("gid", "")) or None

    def newest(self, gid: str, limit: int) -> Iterator[ArchivedFile]:
        """The group's files, newest first (one index Query, read page by page)."""
        for item in self.store.query_items(
            keys.files_by_age_pk(gid), index="GSI2", newest_first=True, limit=limit
        ):
            yield ArchivedFile.of(item.data)

    def archived_before(self, gid: str, cutoff: float) -> Iterator[ArchivedFile]:
        """The group's files archived before `cutoff`, oldest first: what the cleanup expires."""
        below = keys.files_by_age_sk(cutoff, "")
        for item in self.store.query_items(keys.files_by_age_pk(gid), index="GSI2", below=below):
            yield ArchivedFile.of(item.data)

    def set_note(self, file: ArchivedFile, note: str, *, by: str) -> bool:
        return self.store.update_item(
            keys.group_pk(file.gid), keys.file_sk(file.file_id), {"note": note, "note_by": by}
        )

    def forget(self, file: ArchivedFile) -> None:
        """The file's records, once its bytes are gone (its log stays, as long as the audit log)."""
        pk = keys.group_pk(file.gid)
        self._change_chain(file.gid, file.doc, lambda chain: chain.without(file.file_id))
        content = self.store.get_item(pk, keys.file_content_sk(file.sha256))
        if content is not None and content.data.get("file_id") == file.file_id:
            self.store.delete_item(pk, keys.file_content_sk(file.sha256))
        self.store.delete_item(keys.file_pointer_pk(file.file_id), keys.FILE_POINTER_SK)
        self.store.delete_item(pk, keys.file_sk(file.file_id))

    # Documents --------------------------------------------------------------------------------------
    def chain(self, gid: str, doc: str) -> Chain:
        item = self.store.get_item(keys.group_pk(gid), keys.file_document_sk(doc))
        if item is None:
            return Chain(doc)
        entries = tuple(
            (str(entry[0]), tuple(int(part) for part in entry[1]), float(entry[2]))
            for entry in item.data.get("versions", ())
        )
        return Chain(doc, entries, rev=int(item.data.get("rev", 0)), stored=True)

    def _change_chain(self, gid: str, doc: str, change: Callable[[Chain], Chain]) -> None:
        """Read, change and write the document's versions, only if nobody wrote them in between (two
        people's private uploads to one group are not ordered by the queue): otherwise read again."""
        pk, sk = keys.group_pk(gid), keys.file_document_sk(doc)
        for _ in range(CHAIN_ATTEMPTS):
            current = self.chain(gid, doc)
            changed = change(current)
            versions = [[file_id, list(version), at] for file_id, version, at in changed.entries]
            if not current.stored:
                data = {"doc": doc, "versions": versions, "rev": 1}
                if not versions or self.store.put_item(Item(pk, sk, data), if_absent=True):
                    return
            elif not versions:
                self.store.delete_item(pk, sk)
                return
            elif self.store.update_item(
                pk, sk, {"versions": versions, "rev": current.rev + 1}, expect={"rev": current.rev or None}
            ):
                return
        raise StoreError(f"the versions of a document changed {CHAIN_ATTEMPTS} times while being updated")

    def add_reader(self, gid: str, doc: str, uid: str, user: str, *, at: float, keep_days: int) -> None:
        item = Item(
            keys.group_pk(gid),
            keys.document_reader_sk(doc, uid),
            {"user": user, "at": at},
            expires_at=int(at) + keep_days * DAY,
        )
        self.store.put_item(item)

    def readers(self, gid: str, doc: str) -> list[str]:
        """Who downloaded a version of the document (native ids)."""
        items = self.store.query_items(keys.group_pk(gid), prefix=keys.document_readers_prefix(doc))
        return [str(item.data.get("user", "")) for item in items if item.data.get("user")]

    # The log (R6.9) ---------------------------------------------------------------------------------
    def log(self, gid: str, entry: LogEntry, *, ref: str) -> None:
        data = {"file_id": entry.file_id, "kind": entry.kind, "user": entry.user, "at": entry.at}
        if entry.detail:
            data["detail"] = entry.detail
        item = Item(
            keys.group_pk(gid),
            keys.file_log_sk(entry.file_id, entry.at, ref),
            data,
            expires_at=int(entry.at) + LOG_DAYS * DAY,
        )
        self.store.put_item(item)

    def logs(self, gid: str, file_id: str, limit: int) -> list[LogEntry]:
        items = self.store.query_items(
            keys.group_pk(gid), prefix=keys.file_log_prefix(file_id), newest_first=True, limit=limit
        )
        return [
            LogEntry(
                file_id=file_id,
                kind=str(item.data.get("kind", "")),
                user=str(item.data.get("user", "")),
                at=float(item.data.get("at", 0.0)),
                detail=str(item.data.get("detail", "")),
            )
            for item in items
        ]

    # Outsiders (R6.10) ------------------------------------------------------------------------------
    def open_request(self, request: Request) -> bool:
        data = {
            "ref": request.ref,
            "gid": request.gid,
            "file_id": request.file_id,
            "user": request.user,
            "at": request.at,
            "standing": request.standing,
            "state": request.state,
        }
        item = Item(
            keys.group_pk(request.gid),
            keys.file_request_sk(request.ref),
            data,
            expires_at=int(request.at) + REQUEST_DAYS * DAY,
        )
        return self.store.put_item(item, if_absent=True)

    def request(self, gid: str, ref: str) -> Request | None:
        item = self.store.get_item(keys.group_pk(gid), keys.file_request_sk(ref))
        if item is None:
            return None
        data = item.data
        return Request(
            ref=ref,
            gid=gid,
            file_id=str(data.get("file_id", "")),
            user=str(data.get("user", "")),
            at=float(data.get("at", 0.0)),
            standing=str(data.get("standing", "outsider")),
            state=str(data.get("state", "pending")),
            decided_by=str(data.get("decided_by", "")),
        )

    def decide_request(self, request: Request, state: str, *, by: str, at: float) -> bool:
        """Pending -> approved or rejected, once: False when someone decided first."""
        return self.store.update_item(
            keys.group_pk(request.gid),
            keys.file_request_sk(request.ref),
            {"state": state, "decided_by": by, "decided_at": at},
            expect={"state": "pending"},
        )

    def grant(self, gid: str, file_id: str, uid: str, *, by: str, until: float) -> None:
        item = Item(
            keys.group_pk(gid),
            keys.file_grant_sk(file_id, uid),
            {"by": by, "until": until},
            expires_at=int(until),
        )
        self.store.put_item(item)

    def granted(self, gid: str, file_id: str, uid: str, now: float) -> bool:
        item = self.store.get_item(keys.group_pk(gid), keys.file_grant_sk(file_id, uid))
        return item is not None and float(item.data.get("until", 0.0)) > now

    # Private uploads (WeCom, DingTalk) --------------------------------------------------------------
    def set_destination(self, uid: str, gid: str, chat: str, *, until: float) -> None:
        item = Item(
            keys.file_upload_pk(uid),
            keys.FILE_UPLOAD_SK,
            {"gid": gid, "chat": chat, "until": until},
            expires_at=int(until),
        )
        self.store.put_item(item)

    def destination(self, uid: str, now: float) -> Destination | None:
        item = self.store.get_item(keys.file_upload_pk(uid), keys.FILE_UPLOAD_SK)
        if item is None or float(item.data.get("until", 0.0)) <= now:
            return None
        return Destination(str(item.data["gid"]), str(item.data["chat"]), float(item.data["until"]))
