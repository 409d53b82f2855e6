"""DingTalk's APIs as the recording fake serves them: api.dingtalk.com under `/dingtalk/`, oapi.dingtalk.com
under `/dingtalk-oapi/`.

Answers are shaped as DingTalk's: the new API fails with HTTP 4xx and `{"code", "message"}`, the oapi
with HTTP 200 and `errcode != 0`. Tokens are checked: a call without the current token is refused as
DingTalk refuses it (401 `InvalidAuthentication`, oapi errcode 40014). `POST /dingtalk/_expire_tokens`
revokes the tokens issued so far, so a client must fetch new ones.

It refuses what DingTalk refuses: the oapi `topapi/im/chat/scenegroup/member/delete` and
`topapi/im/chat/scenegroup/create`, which are closed to new applications (errcode 60011; DingTalk's pages
for them are archived, `POST /v1.0/im/sceneGroup/member/delete` and `/v1.0/im/sceneGroup/create` replace
them); a scene-group title over 30 characters; a recall of a processQueryKey
it never issued or already recalled (HTTP 200 with the key under `failedResult`, as DingTalk answers);
a card update for an `outTrackId` no card was delivered with. An unknown method answers 404.

Conventions for edge cases: user ids starting "gone" are not in the directory (oapi 60121, and listed in
`invalidStaffIdList` by the robot's 1:1 send); chat ids starting "cidGone" do not exist (HTTP 400 on
the new API, errcode 4000 on the oapi); chat ids starting "cidPlain" are ordinary groups, not scene
groups, so members cannot be muted, listed or removed there. `sceneGroup/create` makes a scene group
(`cidScene…`) whose members `sceneGroups/members/batchQuery` lists; other scene groups list
`DEFAULT_SCENE_MEMBERS`. `scenegroup/get` describes a scene group (title, owner, sub-admins: `SCENE_OWNER`
and `SCENE_SUB_ADMIN` for one it did not create); ordinary groups answer errcode 4000003.
`user/listadmin` lists `ORG_ADMINS`.

The method tables (`FakeDingTalk.api_methods`, `oapi_methods`) map (HTTP method, path) to a handler, so
a feature that calls a new API adds one line and one handler.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from local.fakes.dingtalk_cards import card_param_errors
from local.fakes.server import Answer, Call

if TYPE_CHECKING:
    from local.fakes.server import FakeMessengers

# Who `sceneGroups/members/batchQuery` lists for a scene group the fake did not create itself.
DEFAULT_SCENE_MEMBERS = ("wangwu", "zhaoliu", "sunqi")
SCENE_OWNER = "dingowner"
SCENE_SUB_ADMIN = "dingsubadmin"
ORG_ADMINS = ("dingorgadmin",)
API_PREFIX = "/dingtalk"
OAPI_PREFIX = "/dingtalk-oapi"
EXPIRE_PATH = "/_expire_tokens"
TOKEN_LIFETIME = 7200
SCENE_GROUP_TITLE_MAX = 30
# The oapi methods DingTalk no longer opens to new applications, with what it answers.
CLOSED_OAPI = {
    "/topapi/im/chat/scenegroup/member/delete": "/v1.0/im/sceneGroup/member/delete",
    "/topapi/im/chat/scenegroup/create": "/v1.0/im/sceneGroup/create",
}

Body = dict[str, Any]


def register(fake: FakeMessengers) -> FakeDingTalk:
    dingtalk = FakeDingTalk(fake.contacts)
    fake.route(f"{API_PREFIX}/", dingtalk.api)
    fake.route(f"{OAPI_PREFIX}/", dingtalk.oapi)
    fake.route(f"{OAPI_PREFIX}/media/upload", dingtalk.media_upload)
    return dingtalk


class FakeDingTalk:
    def __init__(self, contacts: dict[str, dict[str, str]] | None = None) -> None:
        self._contacts = contacts if contacts is not None else {}
        self._lock = threading.Lock()
        self._generation = 1
        self._seq = itertools.count(1)
        self._scene_groups: dict[str, list[str]] = {}
        self._scene_titles: dict[str, str] = {}
        self._sent_keys: set[str] = set()  # processQueryKeys issued and not yet recalled
        self._cards: set[str] = set()  # outTrackIds delivered
        self.api_methods: dict[tuple[str, str], Callable[[Body], Answer]] = {
            ("POST", "/v1.0/robot/groupMessages/send"): self.group_send,
            ("POST", "/v1.0/robot/oToMessages/batchSend"): self.batch_send,
            ("POST", "/v1.0/robot/groupMessages/recall"): self.recall,
            ("POST", "/v1.0/robot/otoMessages/batchRecall"): self.recall,
            ("POST", "/v1.0/card/instances/createAndDeliver"): self.create_and_deliver,
            ("PUT", "/v1.0/card/instances"): self.update_card,
            ("POST", "/v1.0/im/sceneGroups/muteMembers/set"): self.mute,
            ("POST", "/v1.0/im/sceneGroup/member/delete"): self.scene_group_member_delete,
            ("POST", "/v1.0/im/sceneGroup/create"): self.scene_group_create,
            ("POST", "/v1.0/im/sceneGroups/members/batchQuery"): self.scene_group_members,
        }
        self.oapi_methods: dict[tuple[str, str], Callable[[Body], Answer]] = {
            ("POST", "/topapi/v2/user/get"): self.user_get,
            ("POST", "/topapi/im/chat/scenegroup/get"): self.scene_group_get,
            ("POST", "/topapi/user/listadmin"): self.list_admins,
        }

    # Tokens ---------------------------------------------------------------------------------------
    @property
    def api_token(self) -> str:
        return f"fake-dingtalk-token-{self._generation}"

    @property
    def oapi_token(self) -> str:
        return f"fake-dingtalk-oapi-token-{self._generation}"

    def expire(self) -> None:
        with self._lock:
            self._generation += 1

    # api.dingtalk.com -----------------------------------------------------------------------------
    def api(self, call: Call) -> Answer:
        path = call.path.removeprefix(API_PREFIX)
        body = _body(call)
        if (call.method, path) == ("POST", EXPIRE_PATH):
            self.expire()
            return Answer(body={"success": True})
        if (call.method, path) == ("POST", "/v1.0/oauth2/accessToken"):
            if not body.get("appKey") or not body.get("appSecret"):
                return _api_error(400, "MissingappKey", "appKey and appSecret are required")
            return Answer(body={"accessToken": self.api_token, "expireIn": TOKEN_LIFETIME})
        handler = self.api_methods.get((call.method, path))
        if handler is None:
            return _api_error(404, "InvalidAction.NotFound", f"no fake for {call.method} {path}")
        if call.headers.get("x-acs-dingtalk-access-token") != self.api_token:
            return _api_error(401, "InvalidAuthentication", "不合法的access_token")
        return handler(body)

    def group_send(self, body: Body) -> Answer:
        refusal = _missing(body, "robotCode", "openConversationId", "msgKey", "msgParam") or _no_group(body)
        return refusal or Answer(body={"processQueryKey": self._sent_key()})

    def batch_send(self, body: Body) -> Answer:
        refusal = _missing(body, "robotCode", "userIds", "msgKey", "msgParam")
        if refusal:
            return refusal
        invalid = [user for user in body["userIds"] if str(user).startswith("gone")]
        return Answer(
            body={
                "processQueryKey": self._sent_key(),
                "invalidStaffIdList": invalid,
                "flowControlledStaffIdList": [],
            }
        )

    def recall(self, body: Body) -> Answer:
        """Keys this fake issued are recalled once; any other key is listed under `failedResult`."""
        refusal = _missing(body, "robotCode", "processQueryKeys")
        if refusal:
            return refusal
        recalled: list[str] = []
        failed: dict[str, str] = {}
        with self._lock:
            for key in (str(key) for key in body["processQueryKeys"]):
                if key in self._sent_keys:
                    self._sent_keys.discard(key)
                    recalled.append(key)
                else:
                    failed[key] = "消息不存在或已撤回"
        return Answer(body={"successResult": recalled, "failedResult": failed})

    def create_and_deliver(self, body: Body) -> Answer:
        refusal = _missing(
            body, "cardTemplateId", "outTrackId", "openSpaceId", "cardData", "callbackRouteKey"
        )
        if refusal:
            return refusal
        refusal = _card_data_refusal(body["cardData"])
        if refusal:
            return refusal
        space_type, _, space_id = str(body["openSpaceId"]).removeprefix("dtv1.card//").partition(".")
        delivered = {"spaceType": space_type, "spaceId": space_id, "success": True, "carrierId": self._key()}
        if space_id.startswith("cidGone"):
            delivered.update(success=False, errorMsg="群不存在")
        else:
            with self._lock:
                self._cards.add(str(body["outTrackId"]))
        return Answer(
            body={
                "success": True,
                "result": {"outTrackId": body["outTrackId"], "deliverResults": [delivered]},
            }
        )

    def update_card(self, body: Body) -> Answer:
        refusal = _missing(body, "outTrackId", "cardData")
        if refusal:
            return refusal
        refusal = _card_data_refusal(body["cardData"])
        if refusal:
            return refusal
        with self._lock:
            known = str(body["outTrackId"]) in self._cards
        if not known:
            return _api_error(400, "param.outTrackId.notExist", "卡片实例不存在")
        return Answer(body={"success": True, "result": True})

    def mute(self, body: Body) -> Answer:
        refusal = _missing(body, "openConversationId", "userIdList", "muteStatus") or _no_group(body)
        if refusal:
            return refusal
        if str(body["openConversationId"]).startswith("cidPlain"):
            return _api_error(400, "invalidParameter.group.notSceneGroup", "非场景群")
        return Answer(body={})

    # oapi.dingtalk.com ----------------------------------------------------------------------------
    def oapi(self, call: Call) -> Answer:
        path = call.path.removeprefix(OAPI_PREFIX)
        if (call.method, path) == ("GET", "/gettoken"):
            if not call.query.get("appkey") or not call.query.get("appsecret"):
                return _oapi_error(40089, "不合法的corpid或corpsecret")
            return Answer(
                body={
                    "errcode": 0,
                    "errmsg": "ok",
                    "access_token": self.oapi_token,
                    "expires_in": TOKEN_LIFETIME,
                }
            )
        if path in CLOSED_OAPI:
            return _oapi_error(60011, f"该接口已不再对新应用开放，请使用 {CLOSED_OAPI[path]}")
        handler = self.oapi_methods.get((call.method, path))
        if handler is None:
            return Answer(404, {"errcode": 404, "errmsg": f"no fake for {call.method} {path}"})
        if call.query.get("access_token") != self.oapi_token:
            return _oapi_error(40014, "不合法的access_token")
        return handler(_body(call))

    def media_upload(self, call: Call) -> Answer:
        """oapi media/upload: a multipart `media` part gets a media id (`@...`, as DingTalk's look)."""
        if call.query.get("access_token") != self.oapi_token:
            return _oapi_error(40014, "不合法的access_token")
        if call.query.get("type") not in ("image", "voice", "file") or 'name="media"' not in str(call.body):
            return _oapi_error(40035, "缺少参数 media 或 type")
        return Answer(
            body={"errcode": 0, "errmsg": "ok", "type": call.query["type"], "media_id": f"@lADP{self._key()}"}
        )

    def user_get(self, body: Body) -> Answer:
        user = str(body.get("userid") or "")
        if not user:
            return _oapi_error(40035, "缺少参数 userid")
        if user.startswith("gone"):
            return _oapi_error(60121, "找不到该用户")
        result: dict[str, Any] = {"userid": user, "name": f"用户{user}", "dept_id_list": [1, 42]}
        result["active"] = True
        contact = self._contacts.get(f"dingtalk:{user}", {})
        if contact.get("email"):
            result["org_email"] = contact["email"]
        if contact.get("mobile"):  # DingTalk gives the number without its country code, in state_code
            result["mobile"], result["state_code"] = contact["mobile"].removeprefix("+86").strip(), "86"
        return Answer(body={"errcode": 0, "errmsg": "ok", "result": result, "request_id": self._key()})

    def scene_group_member_delete(self, body: Body) -> Answer:
        """`POST /v1.0/im/sceneGroup/member/delete` {open_conversation_id, user_ids}."""
        refusal = _missing(body, "open_conversation_id", "user_ids")
        if refusal:
            return refusal
        chat = str(body["open_conversation_id"])
        if chat.startswith(("cidGone", "cidPlain")):
            return _api_error(400, "invalidParameter.group.notSceneGroup", "群不存在或不是场景群")
        users = {str(user) for user in body["user_ids"]} if isinstance(body["user_ids"], list) else set()
        if not users:
            return _api_error(400, "invalidParameter.user_ids", "user_ids 应为数组")
        with self._lock:
            if chat in self._scene_groups:
                self._scene_groups[chat] = [user for user in self._scene_groups[chat] if user not in users]
        return Answer(body={"success": True})

    def scene_group_members(self, body: Body) -> Answer:
        """`POST /v1.0/im/sceneGroups/members/batchQuery` {openConversationId, maxResults, nextToken?}:
        {memberUserIds, hasMore, nextToken} (open.dingtalk.com, query-group-members)."""
        refusal = _missing(body, "openConversationId", "maxResults")
        if refusal:
            return refusal
        chat = str(body["openConversationId"])
        if chat.startswith(("cidGone", "cidPlain")):
            return _api_error(400, "invalidParameter.group.notSceneGroup", "群不存在或不是场景群")
        with self._lock:
            members = list(self._scene_groups.get(chat, DEFAULT_SCENE_MEMBERS))
        start, size = int(str(body.get("nextToken") or "0") or 0), max(1, int(body["maxResults"]))
        page = members[start : start + size]
        more = start + size < len(members)
        answer: Body = {"success": True, "memberUserIds": page, "hasMore": more}
        if more:
            answer["nextToken"] = str(start + size)
        return Answer(body=answer)

    def scene_group_create(self, body: Body) -> Answer:
        """`POST /v1.0/im/sceneGroup/create` {title, template_id, owner_user_id, user_ids: [...]}: the answer
        is {open_conversation_id, chat_id}, unwrapped (open.dingtalk.com, create-a-scene-group)."""
        refusal = _missing(body, "title", "template_id", "owner_user_id")
        if refusal:
            return refusal
        if len(str(body["title"])) > SCENE_GROUP_TITLE_MAX:
            return _api_error(400, "parameter.invalid", f"群名称最长不超过{SCENE_GROUP_TITLE_MAX}字符")
        users = body.get("user_ids", [])
        if not isinstance(users, list):
            return _api_error(400, "parameter.invalid", "user_ids 应为数组")
        chat = f"cidScene{next(self._seq)}"
        with self._lock:
            self._scene_groups[chat] = list(dict.fromkeys([str(body["owner_user_id"]), *map(str, users)]))
            self._scene_titles[chat] = str(body["title"])
        return Answer(body={"open_conversation_id": chat, "chat_id": f"chat{chat}"})

    def scene_group_get(self, body: Body) -> Answer:
        """查询场景群基本信息: title, owner and sub-admins of a scene group."""
        chat = str(body.get("open_conversation_id") or "")
        if not chat:
            return _oapi_error(40035, "缺少参数 open_conversation_id")
        if chat.startswith(("cidGone", "cidPlain")):
            return _oapi_error(4000003, "OpenConversationId 对应的群不是由群模板创建的")
        with self._lock:
            members = self._scene_groups.get(chat)
            title = self._scene_titles.get(chat, f"场景群{chat.removeprefix('cid')}")
        owner, subs = (members[0], []) if members else (SCENE_OWNER, [SCENE_SUB_ADMIN])
        result = {
            "open_conversation_id": chat,
            "title": title,
            "owner_staff_id": owner,
            "sub_admin_staff_ids": subs,
            "template_id": "tpl-scene",
            "chat_banned_type": "0",
            "searchable": "0",
        }
        return Answer(body={"errcode": 0, "errmsg": "ok", "success": True, "result": result})

    def list_admins(self, body: Body) -> Answer:
        """获取管理员列表: userid and sys_level (1 main admin, 2 sub-admin)."""
        result = [{"userid": user, "sys_level": 1} for user in ORG_ADMINS]
        return Answer(body={"errcode": 0, "errmsg": "ok", "result": result, "request_id": self._key()})

    def _key(self) -> str:
        return f"fake-{next(self._seq)}"

    def _sent_key(self) -> str:
        """A processQueryKey for a message sent, which `recall` will accept once."""
        key = self._key()
        with self._lock:
            self._sent_keys.add(key)
        return key


def _card_data_refusal(data: Any) -> Answer | None:
    params = data.get("cardParamMap") if isinstance(data, dict) else None
    errors = card_param_errors(params)
    return _api_error(400, "param.cardParamMap.invalid", "; ".join(errors)) if errors else None


def _missing(body: Body, *keys: str) -> Answer | None:
    absent = [key for key in keys if body.get(key) in (None, "", [])]
    return _api_error(400, "MissingParameter", f"missing {', '.join(absent)}") if absent else None


def _no_group(body: Body) -> Answer | None:
    if str(body.get("openConversationId", "")).startswith("cidGone"):
        return _api_error(400, "invalidParameter.openConversationId.notExist", "群不存在")
    return None


def _api_error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"code": code, "message": message, "requestid": "fake-request"})


def _oapi_error(errcode: int, errmsg: str) -> Answer:
    return Answer(body={"errcode": errcode, "errmsg": errmsg, "request_id": "fake-request"})


def _body(call: Call) -> Body:
    return call.body if isinstance(call.body, dict) else {}
