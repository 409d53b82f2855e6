"""The ingress path: the least that must happen before the platform's deadline.

    route -> endpoint -> size and type checks -> verify (raw bytes) -> parse -> bounds (times, sizes)
          -> claim each event id
          -> ack built -> dispatch (SQS, or inline after the ack is built) -> ack returned

The claim is one conditional PutItem. An ordinary group message claims by writing its own message-log
item (`chalicelib.store.message_log`): the write that records it for the assessment is the write that
makes it exactly-once, so the message costs no separate claim. Every other event claims its `EVT#` item.
When the queue refuses the events, the claims just made are deleted again, whichever kind they were.

A signature that covers only headers (DingTalk's robot and card callbacks) comes back from `verify` with
`Verified.once`: it is claimed here with the body's digest, before anything is parsed. The same body again
is the platform's redelivery and goes on to the event claims. Another body under the same signature is a
replay, refused with 401, unless it may be a genuine twin signed in the same millisecond: then it takes
one of a few slots while they last (docs/reliability.md, "Header-only signatures").

Errors map to HTTP status here and only here: refused input gets a 4xx with a short reason, never a 500.
Every refusal is logged as one structured line (`chalicelib.logs`): `message` "refused", the route, the
platform, the status and the reason, with the request ids bound by `chalicelib.web`; never a secret and
never message text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chalicelib.bootstrap import Deps
from chalicelib.bounds import check_events
from chalicelib.core.events import Event
from chalicelib.errors import (
    IngressError,
    MalformedRequest,
    PayloadTooLarge,
    StoreError,
    UnsupportedMediaType,
)
from chalicelib.http import InboundRequest, Reply
from chalicelib.routes import ROUTES
from chalicelib.store import keys
from chalicelib.store.message_log import claim_item
from chalicelib.store.records import Item

if TYPE_CHECKING:
    from chalicelib.adapters.base import SingleUse

log = logging.getLogger("qunguan.ingress")

MAX_BODY_BYTES = 1 << 20


def handle(route: str, request: InboundRequest, deps: Deps) -> Reply:
    where = {"route": route, "platform": ROUTES[route].platform if route in ROUTES else "-"}
    try:
        endpoint = deps.endpoint(route)
        if len(request.body) > MAX_BODY_BYTES:
            raise PayloadTooLarge(f"body over {MAX_BODY_BYTES} bytes")
        if request.method != "GET" and request.media_type not in endpoint.content_types:
            raise UnsupportedMediaType(f"expected {' or '.join(sorted(endpoint.content_types))}")
        verified = endpoint.verify(request)
        if verified.once is not None:
            claim_signature(route, verified.once, deps)
        try:
            parsed = endpoint.parse(verified)
        except IngressError:
            raise
        except Exception as exc:  # a parser bug must not become a 500; the type is enough to debug
            log.warning("parse failed", extra={**where, "error": type(exc).__name__})
            raise MalformedRequest("the payload could not be understood") from exc
        check_events(parsed.events, deps.clock.now())
        fresh = claim_new(parsed.events, deps)
        reply = endpoint.ack(verified, parsed)
    except IngressError as err:
        # A bad signature is someone knocking: a warning. Other refusals are information.
        level = logging.WARNING if err.status == 401 else logging.INFO
        log.log(level, "refused", extra={**where, "status": err.status, "reason": err.reason})
        return Reply.error(err.status, err.reason)
    except StoreError as err:
        log.error("store unavailable", extra={**where, "status": 503, "error": type(err).__name__})
        return Reply.error(503, "temporarily unavailable, retry later")
    log.info(
        "accepted",
        extra={
            **where,
            "events": len(parsed.events),
            "new": len(fresh),
            "types": ",".join(type(event).__name__ for event in fresh) or "-",
        },
    )
    if fresh and deps.dispatcher is not None:
        try:
            deps.dispatcher.dispatch(fresh)
        except Exception as exc:  # the queue refused: free the claims so the platform's retry gets through
            log.error("dispatch failed", extra={**where, "status": 503, "error": type(exc).__name__})
            now = deps.clock.now()
            for event in fresh:
                release(event, deps, now)
            return Reply.error(503, "temporarily unavailable, retry later")
    return reply


def claim_signature(route: str, once: SingleUse, deps: Deps) -> None:
    """Bind a header-only signature to the body it came with. The common case is the signature's first
    body: one conditional put, as for any claim. On a conflict, one Query of the signature's few slots
    says whether this body is already bound (DingTalk's redelivery: let through), may take a free slot (a
    genuine twin of the same millisecond: one more conditional put, again on a race, at most once a slot),
    or is a replay (`SingleUse.slot` raises `VerificationFailed`)."""
    pk = keys.signature_use_pk(route, once.key)
    if deps.store.put_item(_signature_slot(pk, 0, once), if_absent=True):
        return
    bound = {
        int(item.data.get("slot", 0)): str(item.data.get("body"))
        for item in deps.store.query_items(pk, prefix=keys.SIGNATURE_USE_SK)
    }
    while (slot := once.slot(bound)) is not None:  # each turn binds one more slot: at most `once.bodies`
        item = _signature_slot(pk, slot, once)
        if deps.store.put_item(item, if_absent=True):
            return
        taken = deps.store.get_item(pk, item.sk)  # a concurrent body took the slot: which one?
        if taken is None:  # not visible yet to a read that is not strongly consistent: as before, let it in
            return
        bound[slot] = str(taken.data.get("body"))


def _signature_slot(pk: str, slot: int, once: SingleUse) -> Item:
    return Item(
        pk,
        keys.signature_use_sk(slot),
        {"body": once.body_digest, "slot": slot},
        expires_at=once.expires_at,
    )


def claim_new(events: tuple[Event, ...], deps: Deps) -> list[Event]:
    """The events this delivery claimed first; a retried or duplicated delivery claims none."""
    now = deps.clock.now()
    return [event for event in events if claim(event, deps, now)]


def claim(event: Event, deps: Deps, now: float) -> bool:
    """Claim one event: an ordinary message by writing its log item if absent, anything else by its id."""
    item = claim_item(event, now)
    if item is None:
        return deps.store.claim_event(event.platform, event.claim_key, now)
    return deps.store.put_item(item, if_absent=True)


def release(event: Event, deps: Deps, now: float) -> None:
    """Undo `claim`, so that the platform's retry of an event that could not be queued gets through."""
    item = claim_item(event, now)
    if item is None:
        deps.store.release_event(event.platform, event.claim_key)
    else:
        deps.store.delete_item(item.pk, item.sk)
