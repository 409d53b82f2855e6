"""Hypothesis strategies for the fuzzers: junk bodies, genuine requests with mutations, and payloads
that are correctly signed (and encrypted) but whose content is a mutation of a golden fixture, so the
parsers behind the signature check are exercised too.

`signed_request(route, plaintext)` builds what the platform would send for a plaintext of any bytes,
with qunguan's own signing and `MsgCrypt` (whose conformance with slack_sdk, wechatpy and dingtalk-sdk
the adapter tests prove), because those SDKs only sign and encrypt text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from xml.etree import ElementTree

from hypothesis import strategies as st

from chalicelib.adapters.dingtalk.signature import card_sign, robot_sign
from chalicelib.adapters.msgcrypt import MsgCrypt
from chalicelib.adapters.slack.signature import sign as slack_sign
from chalicelib.routes import ROUTES as ROUTE_PATHS
from local.demo_settings import DEMO_SETTINGS as S
from local.peers import SignedRequest
from local.peers import slack as slack_peer
from tests.functional import conversations as talk

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROUTES = list(talk.one_valid_request_per_route("http://127.0.0.1:9/hooks/x"))

# Values that steer the parsers into their branches: event types, subtypes, commands, card actions.
WORDS = """
message app_mention member_joined_channel member_left_channel file_shared user_change event_callback
url_verification block_actions message_action file_share thread_broadcast me_message bot_message
channel_join im text image voice video file mixed event picture richText template_card_event
change_contact change_external_chat delete_user update_user update add_member del_member check_url
chat_add_member chat_remove_member chat_quit user_leave_org user_modify_org user_dept_change
actionCallback help mod.warn mod.remove appeal.reverse 1 2 group single 0 -1 1700000000.000100
1700000000000 NaN 1e309 <@UQGBOT>
""".split()  # noqa: SIM905 - a paragraph reads better than a column of words
PHRASES = [
    "warn <@U0BOB> spam",
    "mute @lisi 30m",
    "report @U0BOB 广告",
    "appeal c-1 不服",
    "policy set rules.flood.limit 3",
    "cases @zhangsan",
    "C0|c-1|deadbeef",
    "@群管 帮助",
    "",
    " ",
]
VOCABULARY = [*WORDS, *PHRASES]
WECOM_TAGS = """
ToUserName FromUserName CreateTime MsgType Content MsgId AgentID Event EventKey TaskId CardType
ResponseCode ChangeType UserID Name Alias Department ChatId UpdateDetail MemChangeList MediaId
FileName
""".split()  # noqa: SIM905

text = st.text(max_size=40)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | text
    | st.sampled_from(VOCABULARY)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(text | st.sampled_from(VOCABULARY), inner, max_size=4)
    ),
    max_leaves=12,
)


def fixtures(route: str) -> list[Any]:
    """The golden payloads (or decrypted plaintexts) of a route."""
    found = []
    for path in sorted(FIXTURES.glob("*/*.json")):
        data = json.loads(path.read_text())
        if data["route"] == route:
            found.append(data.get("payload", data.get("plaintext")))
    return found


# Mutating JSON-like structures --------------------------------------------------------------------


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _set(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        copy = dict(value)
        if new is _DELETE and not rest:
            copy.pop(head, None)
        else:
            copy[head] = _set(value[head], rest, new)
        return copy
    copy_list = list(value)
    if new is _DELETE and not rest:
        del copy_list[head]
    else:
        copy_list[head] = _set(value[head], rest, new)
    return copy_list


_DELETE = object()


@st.composite
def mutated(draw: st.DrawFn, seed: Any, *, max_changes: int = 4) -> Any:
    """`seed` with up to `max_changes` values replaced, deleted or added, anywhere in the structure."""
    value = seed
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        path = draw(st.sampled_from(_paths(value)))
        change = draw(st.sampled_from(["replace", "delete", "add"]))
        if change == "delete" and path:
            value = _set(value, path, _DELETE)
        elif change == "add":
            target = _get(value, path)
            if isinstance(target, dict):
                key = draw(text | st.sampled_from(VOCABULARY))
                value = _set(value, path, {**target, key: draw(json_values)})
            elif isinstance(target, list):
                value = _set(value, path, [*target, draw(json_values)])
        else:
            value = _set(value, path, draw(json_values))
    return value


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


# Plaintexts per route -----------------------------------------------------------------------------


def _xml_fields(xml: str) -> list[tuple[str, str | list[str]]]:
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own golden fixture
    return [
        (child.tag, [item.text or "" for item in child] if len(child) else child.text or "") for child in root
    ]


def _xml_text(fields: list[tuple[str, Any]]) -> str:
    def cdata(value: Any) -> str:
        return f"<![CDATA[{str(value).replace(']]>', ']]]]><![CDATA[>')}]]>"

    parts = []
    for tag, value in fields:
        inner = (
            "".join(f"<Item>{cdata(v)}</Item>" for v in value) if isinstance(value, list) else cdata(value)
        )
        parts.append(f"<{tag}>{inner}</{tag}>")
    return f"<xml>{''.join(parts)}</xml>"


@st.composite
def wecom_xml(draw: st.DrawFn) -> bytes:
    fields = _xml_fields(draw(st.sampled_from(fixtures("wecom.callback"))))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        change = draw(st.sampled_from(["replace", "delete", "add"]))
        if change == "add" or not fields:
            fields.insert(
                draw(st.integers(0, len(fields))),
                (draw(st.sampled_from(WECOM_TAGS)), draw(text | st.sampled_from(VOCABULARY))),
            )
            continue
        index = draw(st.integers(0, len(fields) - 1))
        if change == "delete":
            del fields[index]
        else:
            value = draw(text | st.sampled_from(VOCABULARY) | st.lists(text, max_size=3))
            fields[index] = (fields[index][0], value)
    return _xml_text(fields).encode("utf-8", "surrogatepass")


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def plaintexts(route: str) -> st.SearchStrategy[bytes]:
    """What the route's parser reads after verification: a mutated golden payload, or junk."""
    junk = st.binary(max_size=512) | json_values.map(_json_bytes)
    if route == "wecom.callback":
        return wecom_xml() | junk
    if route == "slack.commands":
        forms = st.sampled_from(fixtures(route)).flatmap(mutated).map(_form)
        return forms | junk
    if route == "slack.interactions":
        payloads = st.sampled_from(fixtures(route)).flatmap(mutated)
        return (
            payloads.map(lambda p: urlencode({"payload": json.dumps(p, ensure_ascii=False)}).encode()) | junk
        )
    return st.sampled_from(fixtures(route)).flatmap(mutated).map(_json_bytes) | junk


def _form(value: Any) -> bytes:
    if isinstance(value, dict):
        return urlencode(
            {str(k): json.dumps(v) if not isinstance(v, str) else v for k, v in value.items()}
        ).encode("utf-8", "surrogatepass")
    return _json_bytes(value)


# Signing any plaintext as the platform would --------------------------------------------------------


def _now() -> str:
    return str(int(time.time()))


_last_ms = 0


def _now_ms() -> str:
    """Now in ms, later than any stamp given before: DingTalk signs the stamp alone, and two requests of
    a fast test signed in the same ms with different bodies are a replay to the stack unless they pass for
    genuine twins (a card never does; docs/reliability.md, "Header-only signatures")."""
    global _last_ms
    _last_ms = max(int(time.time() * 1000), _last_ms + 1)
    return str(_last_ms)


def _wecom(plaintext: bytes, *, aibot: bool) -> SignedRequest:
    token, key = (
        (S["WECOM_AIBOT_TOKEN"], S["WECOM_AIBOT_AES_KEY"])
        if aibot
        else (S["WECOM_TOKEN"], S["WECOM_AES_KEY"])
    )
    crypt = MsgCrypt(token, key, "" if aibot else S["WECOM_CORP_ID"])
    encrypted, timestamp, nonce = crypt.encrypt(plaintext), _now(), "fuzz1"
    query = {
        "msg_signature": crypt.signature(timestamp, nonce, encrypted),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    if aibot:
        return SignedRequest(
            "POST",
            "/wecom/aibot",
            {"Content-Type": "application/json"},
            query,
            _json_bytes({"encrypt": encrypted}),
        )
    envelope = (
        f"<xml><ToUserName><![CDATA[{S['WECOM_CORP_ID']}]]></ToUserName>"
        f"<Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID>1</AgentID></xml>"
    )
    return SignedRequest("POST", "/wecom/callback", {"Content-Type": "text/xml"}, query, envelope.encode())


def _dingtalk_events(plaintext: bytes) -> SignedRequest:
    crypt = MsgCrypt(S["DINGTALK_TOKEN"], S["DINGTALK_AES_KEY"], S["DINGTALK_APP_KEY"])
    encrypted, timestamp, nonce = crypt.encrypt(plaintext), _now_ms(), "fuzz2"
    query = {
        "msg_signature": crypt.signature(timestamp, nonce, encrypted),
        "timeStamp": timestamp,
        "nonce": nonce,
    }
    return SignedRequest(
        "POST",
        "/dingtalk/events",
        {"Content-Type": "application/json"},
        query,
        _json_bytes({"encrypt": encrypted}),
    )


def _dingtalk_robot(plaintext: bytes) -> SignedRequest:
    stamp = _now_ms()
    headers = {
        "Content-Type": "application/json",
        "timestamp": stamp,
        "sign": robot_sign(stamp, S["DINGTALK_APP_SECRET"]),
    }
    return SignedRequest("POST", "/dingtalk/robot", headers, {}, plaintext)


def _dingtalk_cards(plaintext: bytes) -> SignedRequest:
    stamp = _now_ms()
    headers = {
        "Content-Type": "application/json",
        "x-ddpaas-signature-timestamp": stamp,
        "x-ddpaas-signature": card_sign(S["DINGTALK_CARD_SECRET"], stamp),
    }
    return SignedRequest("POST", "/dingtalk/cards", headers, {}, plaintext)


def _slack(route: str, content_type: str) -> Callable[[bytes], SignedRequest]:
    def signed(body: bytes) -> SignedRequest:  # slack_sdk signs text only; these bodies are any bytes
        stamp = _now()
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": slack_sign(S["SLACK_SIGNING_SECRET"], stamp, body),
        }
        return SignedRequest("POST", ROUTE_PATHS[route].path, headers, {}, body)

    return signed


SIGNERS: dict[str, Callable[[bytes], SignedRequest]] = {
    "slack.events": _slack("slack.events", slack_peer.JSON_TYPE),
    "slack.interactions": _slack("slack.interactions", slack_peer.FORM_TYPE),
    "slack.commands": _slack("slack.commands", slack_peer.FORM_TYPE),
    "wecom.callback": lambda body: _wecom(body, aibot=False),
    "wecom.aibot": lambda body: _wecom(body, aibot=True),
    "dingtalk.robot": _dingtalk_robot,
    "dingtalk.events": _dingtalk_events,
    "dingtalk.cards": _dingtalk_cards,
}


def signed_request(route: str, plaintext: bytes) -> SignedRequest:
    """What the platform would send for `plaintext`: signed, encrypted where the route is."""
    return SIGNERS[route](plaintext)


# Junk and mutations of whole requests ---------------------------------------------------------------

header_names = st.sampled_from(
    [
        "Content-Type",
        "X-Slack-Signature",
        "X-Slack-Request-Timestamp",
        "X-Slack-Retry-Num",
        "timestamp",
        "sign",
        "x-ddpaas-signature",
        "x-ddpaas-signature-timestamp",
        "Content-Length",
        "Host",
        "Transfer-Encoding",
        "Content-Encoding",
        "X-Forwarded-For",
    ]
) | st.from_regex(r"\A[A-Za-z][A-Za-z0-9-]{0,20}\Z")
# HTTP header values are latin-1 text without control characters.
header_values = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0xFF, blacklist_characters="\x7f"), max_size=60
)
query_names = (
    st.sampled_from(["msg_signature", "signature", "timestamp", "timeStamp", "nonce", "echostr"]) | text
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=gbk",
        "text/xml",
        "application/xml; charset=utf-16",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
        "multipart/form-data; boundary=x",
        "application/octet-stream",
        "text/html",
        "APPLICATION/JSON",
    ]
)


@st.composite
def mutated_body(draw: st.DrawFn, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=16)
                | st.sampled_from([b"<", b"]]>", b"\x00", b'"', b"%", b"+", b"\xef\xbb\xbf"])
            )
        elif kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "repeat":
            data += data[at : at + 64] * draw(st.integers(1, 8))
    return bytes(data)


@st.composite
def mutated_request(draw: st.DrawFn, genuine: SignedRequest) -> SignedRequest:
    """The genuine request with its body, headers, query or content type damaged."""
    request = genuine
    parts = draw(st.sets(st.sampled_from(["body", "headers", "query", "type"]), min_size=1))
    if "body" in parts:
        request = replace(request, body=draw(mutated_body(request.body)))
    if "headers" in parts:
        headers = dict(request.headers)
        for name in (
            draw(st.lists(st.sampled_from(sorted(headers)), max_size=2, unique=True)) if headers else []
        ):
            del headers[name]
        headers.update(draw(st.dictionaries(header_names, header_values, max_size=3)))
        request = replace(request, headers=headers)
    if "query" in parts:
        query = dict(request.query)
        for name in draw(st.lists(st.sampled_from(sorted(query)), max_size=2, unique=True)) if query else []:
            query[name] = draw(text)
        query.update(draw(st.dictionaries(query_names, text, max_size=3)))
        request = replace(request, query=query)
    if "type" in parts:
        request = replace(request, headers={**request.headers, "Content-Type": draw(content_types)})
    return request


junk_bodies = (
    st.binary(max_size=2048)
    | json_values.map(_json_bytes)
    | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass"))
    | st.sampled_from(
        [b"", b"{}", b"[]", b"null", b"<xml/>", b"payload=", b"\xef\xbb\xbf{}", b"{" * 5000, b"[" * 5000]
    )
)
