"""`GET` and `POST /files/{token}`: where a member's link leads (R6.4, R6.9). A link is bound to one
browser and used once.

    find the link (the token's shape, then its hash in the store; expired?)
      -> the file still archived?  -> the member still a member (or the outsider's grant still valid)?
      -> used already?                                  -> 410, recorded ("second use")
    GET:  no browser bound yet -> bind this one: a fresh session in a cookie (HttpOnly, Secure,
                                  SameSite=Strict), and a confirmation page with a CSRF token
          this browser's session -> the confirmation page again
          any other client       -> 403, recorded ("another client")
    POST: this browser's session and its CSRF token -> consume the link (conditional: once)
          -> record the download (the file's log, and the member as a reader of the document, R6.10)
          -> 303 to a presigned S3 GET of exactly the archived version, valid `s3_link_seconds`
          anything else -> 403 or 410, recorded

Why a page before the file: a link that a client can follow to the bytes is a bearer token for anyone
who sees it, as often as they like. Bound to the first browser and spent by one confirmation, it works
once, there; whoever else tries is refused and recorded against the file, so a leaked link shows in
`file log`. The page is plain HTML with no script; GET binds and POST consumes, so a link previewer that
only fetches never spends a link (one that fetches first does bind it: the member then asks again).

Every refusal is a short page with a 4xx: 403 for a token that is not ours, a member who left or another
client; 410 for an expired or used link; 404 for a file no longer archived; a store outage is a 503. No
token, cookie, link or URL is ever logged: each is a bearer secret.
"""

from __future__ import annotations

import html
import logging
import secrets
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from chalicelib.core.ids import split_id, user_id
from chalicelib.errors import StoreError
from chalicelib.files import wiring
from chalicelib.files.links import Link, LinkRefused, bind_session, consume, csrf_ok, csrf_token, find, holds
from chalicelib.files.records import ArchivedFile, FileRepo, LogEntry
from chalicelib.http import InboundRequest, Reply
from chalicelib.i18n import normalise_locale, t
from chalicelib.kernel.deps import Deps
from chalicelib.store import keys

if TYPE_CHECKING:
    from chalicelib.core.policy import GroupPolicy

log = logging.getLogger("qunguan.files.route")

FORMER = "former"  # chalicelib.membership.repository.FORMER
READERS_KEEP_DAYS = 400
MAX_FORM_BYTES = 1024
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def page(status: int, key: str, locale: str) -> Reply:
    """A refusal people can read: the group's language, and English below it."""
    lines = [t(locale, key)]
    if normalise_locale(locale) != "en":
        lines.append(t("en", key))
    return Reply(status, "\n".join(lines) + "\n", {"Content-Type": "text/plain; charset=utf-8", **NO_STORE})


def answer_link(token: str, request: InboundRequest, deps: Deps) -> Reply:
    locale = deps.settings.qg_default_locale
    now = deps.clock.now()
    try:
        link = find(deps.store, token, now)
    except LinkRefused as refusal:
        log.info("refused", extra={"status": refusal.status, "reason": f"file link {refusal.reason}"})
        return page(
            refusal.status, "files.route.expired" if refusal.status == 410 else "files.route.invalid", locale
        )
    except StoreError as exc:
        log.error("store unavailable", extra={"status": 503, "error": type(exc).__name__})
        return page(503, "files.route.unavailable", locale)
    try:
        return _answer(link, request, deps, now)
    except StoreError as exc:
        log.error("store unavailable", extra={"status": 503, "error": type(exc).__name__})
        return page(503, "files.route.unavailable", locale)


def _answer(link: Link, request: InboundRequest, deps: Deps, now: float) -> Reply:
    from chalicelib.kernel.context import policies

    claim = link.claim
    repo = FileRepo(deps.store)
    policy = policies(deps).for_group(claim.gid, now)
    locale = policy.locale
    file = repo.get(claim.gid, claim.file_id)
    if file is None:
        log.info("refused", extra={"status": 404, "reason": "file link to a file no longer archived"})
        return page(404, "files.route.gone", locale)

    def refuse(status: int, key: str, why: str) -> Reply:
        repo.log(
            claim.gid,
            LogEntry(file.file_id, "refused", claim.user, now, detail=f"{claim.nonce} {why}"),
            ref=f"{claim.nonce}-x{secrets.token_hex(4)}",  # every refusal is its own entry
        )
        log.info("refused", extra={"status": status, "reason": f"file link: {why}"})
        return page(status, key, locale)

    if not _allowed(link, repo, deps, now, policy):
        return refuse(403, "files.route.not_member", "no longer allowed")
    if link.used_at is not None:
        return refuse(410, "files.route.used", "second use")
    session = _cookies(request).get(link.cookie)
    if request.method == "GET":
        if holds(link, session) and session is not None:
            return _confirmation(link, file, session, deps, locale, set_cookie=False)
        if link.session is None:
            fresh = secrets.token_urlsafe(32)
            if bind_session(deps.store, link, fresh):
                return _confirmation(link, file, fresh, deps, locale, set_cookie=True)
        return refuse(403, "files.route.other_client", "another client")
    if request.method != "POST":
        return page(405, "files.route.invalid", locale)
    if session is None or not holds(link, session):
        return refuse(403, "files.route.other_client", "another client")
    if not csrf_ok(deps.settings, link, session, _form(request).get("csrf")):
        return refuse(403, "files.route.other_client", "no valid confirmation")
    storage = wiring.storage(deps)
    if storage is None:
        return page(503, "files.route.unavailable", locale)
    if not consume(deps.store, link, now):
        return refuse(410, "files.route.used", "second use")
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
        ref=f"{claim.nonce}-d",  # a link downloads once
    )
    repo.add_reader(claim.gid, file.doc, _uid(link), claim.user, at=now, keep_days=READERS_KEEP_DAYS)
    log.info("file link served", extra={"status": 303})
    # 303: the browser follows with a GET, whatever the confirmation was.
    return Reply(303, "", {"Location": url, "Content-Type": "text/plain; charset=utf-8", **NO_STORE})


def _confirmation(
    link: Link, file: ArchivedFile, session: str, deps: Deps, locale: str, *, set_cookie: bool
) -> Reply:
    from chalicelib.files.archiving import human_size

    question = html.escape(t(locale, "files.route.confirm", name=file.name, size=human_size(file.size)))
    button = html.escape(t(locale, "files.route.confirm.button"))
    csrf = html.escape(csrf_token(deps.settings, link, session))
    body = (
        '<!doctype html><html><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{button}</title></head>"
        '<body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em">'
        f'<p>{question}</p><form method="post" action="">'
        f'<input type="hidden" name="csrf" value="{csrf}">'
        f'<button type="submit">{button}</button></form></body></html>\n'
    )
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": PAGE_POLICY, **NO_STORE}
    if set_cookie:
        lifetime = max(int(link.claim.expires_at - deps.clock.now()), 1)
        headers["Set-Cookie"] = (
            f"{link.cookie}={session}; Max-Age={lifetime}; HttpOnly; Secure; SameSite=Strict"
        )
    return Reply(200, body, headers)


def _cookies(request: InboundRequest) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in (request.header("cookie") or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in found:
            found[name] = value.strip()
    return found


def _form(request: InboundRequest) -> dict[str, str]:
    if request.media_type != "application/x-www-form-urlencoded" or len(request.body) > MAX_FORM_BYTES:
        return {}
    try:
        parsed = parse_qs(request.body.decode("ascii"), max_num_fields=4)
    except (UnicodeDecodeError, ValueError):
        return {}
    return {name: values[0] for name, values in parsed.items() if values}


def _uid(link: Link) -> str:
    platform, tenant, _ = split_id(link.claim.gid)
    return user_id(platform, tenant, link.claim.user)


def _allowed(link: Link, repo: FileRepo, deps: Deps, now: float, policy: GroupPolicy) -> bool:
    """A member's link needs them still a member (and not only a guest on the roster now), or an admin;
    an outsider's needs the admin's grant still valid."""
    claim = link.claim
    uid = _uid(link)
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
