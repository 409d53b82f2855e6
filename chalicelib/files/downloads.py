"""`GET /files/{token}`: where a member's link leads (R6.4, R6.9).

    verify the token (shape, then the tag over its bytes, before anything is decoded; then the expiry)
      -> the file still archived?  -> the member still a member (or the outsider's grant still valid)?
      -> record the download (the file's log, and the member as a reader of the document, R6.10)
      -> 302 to a presigned S3 GET of exactly the archived version, valid `s3_link_seconds`

Every refusal is a short page with a 4xx: 403 for a token that is not ours (or a member who left), 410
for an expired link, 404 for a file no longer archived; a store outage is a 503. A refusal of a genuine
token is logged against the file too. No token, link or URL is ever logged: each is a bearer secret.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chalicelib.bootstrap import Deps
from chalicelib.core.ids import split_id, user_id
from chalicelib.errors import StoreError
from chalicelib.files import wiring
from chalicelib.files.links import LinkClaim, LinkRefused, open_token
from chalicelib.files.records import FileRepo, LogEntry
from chalicelib.http import Reply
from chalicelib.i18n import normalise_locale, t
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.core.policy import GroupPolicy

log = logging.getLogger("qunguan.files.route")

FORMER = "former"  # chalicelib.membership.repository.FORMER
READERS_KEEP_DAYS = 400


def page(status: int, key: str, locale: str) -> Reply:
    """A refusal people can read: the group's language, and English below it."""
    lines = [t(locale, key)]
    if normalise_locale(locale) != "en":
        lines.append(t("en", key))
    return Reply(
        status,
        "\n".join(lines) + "\n",
        {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"},
    )


def answer_link(token: str, deps: Deps) -> Reply:
    locale = deps.settings.qg_default_locale
    now = deps.clock.now()
    try:
        claim = open_token(deps.settings, token, now)
    except LinkRefused as refusal:
        log.info("file link refused: %s", refusal.reason)
        return page(
            refusal.status, "files.route.expired" if refusal.status == 410 else "files.route.invalid", locale
        )
    try:
        return _serve(claim, deps, now)
    except StoreError as exc:
        log.error("file link: store unavailable: %s", type(exc).__name__)
        return page(503, "files.route.unavailable", locale)


def _serve(claim: LinkClaim, deps: Deps, now: float) -> Reply:
    from chalicelib.worker.context import policies

    repo = FileRepo(deps.store)
    policy = policies(deps).for_group(claim.gid, now)
    locale = policy.locale
    file = repo.get(claim.gid, claim.file_id)
    if file is None:
        log.info("file link to a file no longer archived")
        return page(404, "files.route.gone", locale)
    if not _allowed(claim, repo, deps, now, policy):
        repo.log(
            claim.gid,
            LogEntry(file.file_id, "refused", claim.user, now, detail=claim.nonce),
            ref=f"{claim.nonce}-x",
        )
        log.info("file link of someone no longer allowed")
        return page(403, "files.route.not_member", locale)
    storage = wiring.storage(deps)
    if storage is None:
        return page(503, "files.route.unavailable", locale)
    url = storage.link(
        file.key,
        file.version_id,
        name=file.name,
        content_type=file.content_type,
        seconds=policy.archive.s3_link_seconds,
    )
    repo.log(
        claim.gid,
        LogEntry(file.file_id, "download", claim.user, now, detail=claim.nonce),
        ref=f"{claim.nonce}-d{int(now * 1000) % 100000:05d}",
    )
    repo.add_reader(claim.gid, file.doc, _uid(claim), claim.user, at=now, keep_days=READERS_KEEP_DAYS)
    log.info("file link served")
    return Reply(
        302,
        "",
        {
            "Location": url,
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "Content-Type": "text/plain; charset=utf-8",
        },
    )


def _uid(claim: LinkClaim) -> str:
    platform, tenant, _ = split_id(claim.gid)
    return user_id(platform, tenant, claim.user)


def _allowed(claim: LinkClaim, repo: FileRepo, deps: Deps, now: float, policy: GroupPolicy) -> bool:
    """A member's link needs them still a member (and not only a guest on the roster now), or an admin;
    an outsider's needs the admin's grant still valid."""
    uid = _uid(claim)
    if claim.ground == "g":
        return repo.granted(claim.gid, claim.file_id, uid, now)
    if policy.is_admin(uid):
        return True
    group = deps.store.get_group(claim.gid)
    if group is not None and (claim.user in group.admins or uid in group.admins):
        return True
    member = deps.store.get_member(claim.gid, uid)
    if member is None or member.role == FORMER:
        return repo.granted(claim.gid, claim.file_id, uid, now)
    guest = deps.store.get_item(keys.group_pk(claim.gid), keys.guest_sk(uid))
    return guest is None or repo.granted(claim.gid, claim.file_id, uid, now)
