"""`DingTalkMessenger`: the outbound verbs over DingTalk's two APIs (PROTOCOLS.md 2.4 and 2.5).

- The new API (api.dingtalk.com, `/v1.0/...`) takes the app token from `POST /v1.0/oauth2/accessToken`
  in the header `x-acs-dingtalk-access-token`, and reports errors as HTTP >= 400 with a JSON
  `{"code", "message"}`.
- The legacy oapi (oapi.dingtalk.com) takes the token from `GET /gettoken` as `?access_token=`, and
  reports errors as HTTP 200 with `errcode != 0`. qunguan uses it where the new API has no equivalent:
  the directory (`topapi/v2/user/get`), scene-group creation and the member list.

Each token is cached until five minutes before it expires and dropped early when DingTalk says it is no
longer valid. Groups are named by their open conversation id (`cid...`), the robot's `conversationId`.

Worker only: this module pulls in `requests` through `ApiClient`.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.base import (
    Capabilities,
    Capability,
    DirectoryUser,
    GroupInfo,
    NotSupported,
    Sent,
    Target,
)
from chalicelib.adapters.dingtalk.cards import card_param_map
from chalicelib.adapters.dingtalk.track import out_track_id
from chalicelib.adapters.http_client import ApiClient, TokenCache
from chalicelib.adapters.reply_urls import refuse_unless_allowed, reply_urls
from chalicelib.core.events import Event
from chalicelib.core.ids import Platform
from chalicelib.errors import MessengerError

if TYPE_CHECKING:
    import requests

    from chalicelib.clock import Clock
    from chalicelib.core.cards import Card
    from chalicelib.settings import Settings

log = logging.getLogger(__name__)

PLATFORM: Platform = "dingtalk"
DEFAULT_CARD_ROUTE_KEY = "qunguan"
USER_NOT_FOUND = 60121  # oapi: 找不到该用户 (not in the directory, e.g. left the company)
OAPI_TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid or expired access_token
OAPI_BUSY = -1  # 系统繁忙
# scenegroup/get for a group that is not a scene group (not made from a template, no cool app), or gone.
NOT_SCENE_GROUP = (4000003, 4000)
MEMBERS_PAGE = 1000
SCENE_GROUP_TITLE_MAX = 30  # POST /v1.0/im/sceneGroup/create: title, 群名称最长不超过30字符
MAX_MEMBER_PAGES = 20

CAPABILITIES = Capabilities(
    always=frozenset(
        {Capability.POST_TO_GROUP, Capability.SEND_DIRECT, Capability.POST_CARD, Capability.RECALL_OWN}
    ),
    in_app_groups=frozenset({Capability.REMOVE_MEMBER, Capability.MUTE_MEMBER}),
    notes={
        Capability.SEE_ALL_MESSAGES: "In groups the robot receives only messages that @ it; DingTalk offers "
        "no HTTP feed of every group message.",
        Capability.DELETE_MESSAGE: "DingTalk has no API to recall a member's message: a robot can recall "
        "only its own (robot/groupMessages/recall).",
        Capability.REMOVE_MEMBER: "Only in scene groups (场景群) created from the app's group template "
        "(im/sceneGroup/member/delete).",
        Capability.MUTE_MEMBER: "Only in scene groups (im/sceneGroups/muteMembers/set); the owner and group "
        "admins cannot be muted.",
        Capability.POST_CARD: "Needs a card template registered in DingTalk's card platform "
        "(DINGTALK_CARD_TEMPLATE_ID) and a card callback registered under DINGTALK_CARD_ROUTE_KEY.",
    },
)


class DingTalkMessenger:
    platform: Platform = PLATFORM
    capabilities = CAPABILITIES

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock | None = None,
        api: ApiClient | None = None,
        oapi: ApiClient | None = None,
        card_template_id: str | None = None,
        card_route_key: str | None = None,
        scene_template_id: str | None = None,
    ) -> None:
        secret = settings.dingtalk_app_secret
        self._app_key = settings.dingtalk_app_key or ""
        self._app_secret = secret.get_secret_value() if secret is not None else ""
        # An enterprise internal app's robot code is its app key unless DingTalk issued another.
        self._robot_code = settings.dingtalk_robot_code or self._app_key
        self._card_template_id = card_template_id or settings.dingtalk_card_template_id
        self._card_route_key = card_route_key or settings.dingtalk_card_route_key or DEFAULT_CARD_ROUTE_KEY
        # The scene-group template (群模板) groups are created from; an optional setting.
        self._scene_template_id = scene_template_id or settings.dingtalk_scene_template_id
        self._api = api or ApiClient(PLATFORM, settings.dingtalk_api_base)
        self._oapi = oapi or ApiClient(PLATFORM, settings.dingtalk_oapi_base)
        self._reply_urls = reply_urls(PLATFORM, settings)  # sessionWebhook on oapi.dingtalk.com only
        self._token = TokenCache(self._fetch_token, clock=clock)
        self._oapi_token = TokenCache(self._fetch_oapi_token, clock=clock)

    # Messages ------------------------------------------------------------------------------------
    def post_text(self, target: Target, text: str) -> Sent:
        """To the message's sessionWebhook when there is one (a reply in context), else to the group,
        else to the user directly. An expired sessionWebhook falls back to the group or the user."""
        if target.reply_url and not self._reply_urls.allows(target.reply_url):
            if not (target.chat or target.user):
                refuse_unless_allowed(self._reply_urls, target.reply_url, method="sendBySession")
            log.warning("dingtalk sessionWebhook refused: not https on oapi.dingtalk.com; sending without it")
        elif target.reply_url:
            try:
                return self._reply(target.reply_url, text)
            except MessengerError as exc:
                if exc.retryable or not (target.chat or target.user):
                    raise
                log.warning("dingtalk sessionWebhook refused (%s); sending without it", exc.detail)
        if target.chat:
            data = self._api_call(
                "POST",
                "/v1.0/robot/groupMessages/send",
                {
                    "robotCode": self._robot_code,
                    "openConversationId": target.chat,
                    "msgKey": "sampleText",
                    "msgParam": _json({"content": text}),
                },
            )
            return Sent(message_id=_optional_str(data.get("processQueryKey")))
        if target.user:
            return self.send_direct(target.tenant, target.user, text)
        raise ValueError("a DingTalk target needs a reply_url, a chat or a user")

    def send_direct(self, tenant: str, user: str, text: str) -> Sent:
        data = self._api_call(
            "POST",
            "/v1.0/robot/oToMessages/batchSend",
            {
                "robotCode": self._robot_code,
                "userIds": [user],
                "msgKey": "sampleText",
                "msgParam": _json({"content": text}),
            },
        )
        if user in (data.get("invalidStaffIdList") or []):
            raise MessengerError(PLATFORM, "batchSend", "the user is not in the robot's organisation")
        if user in (data.get("flowControlledStaffIdList") or []):
            raise MessengerError(PLATFORM, "batchSend", "flow-controlled for this user", retryable=True)
        return Sent(message_id=_optional_str(data.get("processQueryKey")))

    def delete_message(self, tenant: str, chat: str, message_id: str) -> None:
        raise NotSupported(CAPABILITIES.notes[Capability.DELETE_MESSAGE])

    # Cards ---------------------------------------------------------------------------------------
    def post_card(self, target: Target, card: Card) -> Sent:
        """Create and deliver a card instance; `outTrackId` is the card's id, by which clicks come back
        and `update_card` finds it.

        DingTalk renders only templates built in its card platform, so an operator registers one with the
        variables of `cards.card_param_map` and sets its id as DINGTALK_CARD_TEMPLATE_ID, and registers
        the click callback once (`POST /v1.0/card/callbacks/register {callbackRouteKey, callbackUrl:
        <stage>/dingtalk/cards, apiSecret: DINGTALK_CARD_SECRET}`) under DINGTALK_CARD_ROUTE_KEY
        (default "qunguan"). Without a template this raises `NotSupported`."""
        if not self._card_template_id:
            raise NotSupported("no DingTalk card template is configured (DINGTALK_CARD_TEMPLATE_ID)")
        body: dict[str, Any] = {
            "cardTemplateId": self._card_template_id,
            # One instance per recipient: the same card goes to several admins.
            "outTrackId": out_track_id(card.card_id, target.user or target.chat),
            "callbackType": "HTTP",
            "callbackRouteKey": self._card_route_key,
            "cardData": {"cardParamMap": card_param_map(card, chat=target.chat)},
            "userIdType": 1,  # userId, not unionId
        }
        if target.chat:
            body["openSpaceId"] = f"dtv1.card//IM_GROUP.{target.chat}"
            body["imGroupOpenSpaceModel"] = {"supportForward": False}
            body["imGroupOpenDeliverModel"] = {"robotCode": self._robot_code}
        elif target.user:
            body["openSpaceId"] = f"dtv1.card//IM_ROBOT.{target.user}"
            body["imRobotOpenSpaceModel"] = {"supportForward": False}
            body["imRobotOpenDeliverModel"] = {"spaceType": "IM_ROBOT", "robotCode": self._robot_code}
        else:
            raise ValueError("a DingTalk card goes to a chat or a user")
        data = self._api_call("POST", "/v1.0/card/instances/createAndDeliver", body)
        result = data.get("result")
        deliveries = result.get("deliverResults") if isinstance(result, dict) else None
        for delivery in deliveries or []:
            if isinstance(delivery, dict) and delivery.get("success") is False:
                raise MessengerError(
                    PLATFORM, "createAndDeliver", f"not delivered: {delivery.get('errorMsg')}"
                )
        return Sent(message_id=body["outTrackId"], token=body["outTrackId"])

    def update_card(
        self, tenant: str, card_ref: str, card: Card, *, response_token: str | None = None
    ) -> None:
        """Replace the card's variables by key; `chat` is not sent, so it keeps its first value."""
        self._api_call(
            "PUT",
            "/v1.0/card/instances",
            {
                "outTrackId": card_ref,
                "cardData": {"cardParamMap": card_param_map(card)},
                "cardUpdateOptions": {"updateCardDataByKey": True},
                "userIdType": 1,
            },
        )

    # Members -------------------------------------------------------------------------------------
    def remove_member(self, tenant: str, chat: str, user: str) -> None:
        """Scene groups only: `POST /v1.0/im/sceneGroup/member/delete` (删除场景群成员, permission
        qyapi_chat_manage). The oapi `topapi/im/chat/scenegroup/member/delete` is no longer open to new
        applications, and the legacy `chat/update del_useridlist` takes the legacy chat id, which qunguan
        does not have: the robot and the send APIs name groups by open conversation id."""
        self._api_call(
            "POST",
            "/v1.0/im/sceneGroup/member/delete",
            {"open_conversation_id": chat, "user_ids": [user]},
        )

    def mute_member(self, tenant: str, chat: str, user: str, seconds: int) -> None:
        """Scene groups only; `seconds` <= 0 lifts the mute."""
        self._api_call(
            "POST",
            "/v1.0/im/sceneGroups/muteMembers/set",
            {
                "openConversationId": chat,
                "userIdList": [user],
                "muteStatus": 1 if seconds > 0 else 0,
                "muteDuration": max(seconds, 0) * 1000,
            },
        )

    def get_user(self, tenant: str, user: str) -> DirectoryUser | None:
        """The directory entry, or None when DingTalk does not know the user (60121: never in the
        company, or already left; a leaver is removed from the directory, not kept as inactive).
        `active` is DingTalk's own flag: whether the person has activated their account."""
        data = self._oapi_call(
            "POST", "/topapi/v2/user/get", {"userid": user, "language": "zh_CN"}, allow=(USER_NOT_FOUND,)
        )
        result = data.get("result")
        if data.get("errcode") == USER_NOT_FOUND or not isinstance(result, dict):
            return None
        return DirectoryUser(
            user=str(result.get("userid") or user),
            name=str(result.get("name") or ""),
            active=result.get("active") is not False,
            departments=tuple(str(dept) for dept in result.get("dept_id_list") or []),
            # `org_email` is the company mailbox; `mobile` comes with `state_code` (its country code),
            # for apps granted the contact fields (open.dingtalk.com, 查询用户详情).
            email=str(result.get("org_email") or result.get("email") or ""),
            mobile=_with_country(result.get("mobile"), result.get("state_code")),
        )

    def bot_user_id(self, tenant: str) -> str | None:
        # The robot has no user id that appears in messages; mentions of it are recognised by
        # `chatbotUserId` in each callback instead.
        return None

    def addressed(self, event: Event) -> Event | None:
        return event  # callbacks say whether the bot was @-mentioned, and never carry its own posts

    # Groups --------------------------------------------------------------------------------------
    def group_info(self, tenant: str, chat: str) -> GroupInfo | None:
        """Scene groups: `topapi/im/chat/scenegroup/get` (查询场景群基本信息: title, owner_staff_id,
        sub_admin_staff_ids). Ordinary groups are not described by any API; their name comes with each
        robot message (`conversationTitle`) and their admins as `isAdmin` senders."""
        data = self._oapi_call(
            "POST", "/topapi/im/chat/scenegroup/get", {"open_conversation_id": chat}, allow=NOT_SCENE_GROUP
        )
        result = data.get("result")
        if data.get("errcode", 0) != 0 or not isinstance(result, dict):
            return None
        owner = str(result.get("owner_staff_id") or "") or None
        subs = [str(user) for user in result.get("sub_admin_staff_ids") or [] if user]
        admins = tuple(dict.fromkeys(user for user in (owner or "", *subs) if user))
        return GroupInfo(chat, str(result.get("title") or ""), owner, admins)

    def org_admins(self, tenant: str) -> tuple[str, ...]:
        """`topapi/user/listadmin` (获取管理员列表): the company's main admins (sys_level 1) and
        sub-admins (2)."""
        result = self._oapi_call("POST", "/topapi/user/listadmin", {}).get("result")
        return tuple(
            dict.fromkeys(
                str(a.get("userid")) for a in result or [] if isinstance(a, dict) and a.get("userid")
            )
        )

    def list_members(self, tenant: str, chat: str) -> tuple[str, ...]:
        """Scene groups only: `POST /v1.0/im/sceneGroups/members/batchQuery` (查询场景群成员, permission
        qyapi_chat_manage, open.dingtalk.com/document/development/query-group-members), page after page
        by `nextToken`."""
        members: list[str] = []
        token = ""
        for _ in range(MAX_MEMBER_PAGES):
            body: dict[str, Any] = {"openConversationId": chat, "maxResults": MEMBERS_PAGE}
            if token:
                body["nextToken"] = token
            data = self._api_call("POST", "/v1.0/im/sceneGroups/members/batchQuery", body)
            members.extend(str(user) for user in data.get("memberUserIds") or [] if user)
            token = str(data.get("nextToken") or "")
            if not data.get("hasMore") or not token:
                break
        return tuple(dict.fromkeys(members))

    def create_group(self, tenant: str, name: str, owner: str, members: tuple[str, ...]) -> str:
        """A scene group (场景群) from the app's group template (`POST /v1.0/im/sceneGroup/create`,
        permission qyapi_chat_manage; the oapi `topapi/im/chat/scenegroup/create` it replaces is archived,
        open.dingtalk.com/document/development/create-a-scene-group): the kind of group in which the bot
        may remove and mute members. Its open conversation id is what the robot and the send APIs call
        the group. DingTalk refuses a title over 30 characters, so a longer name is cut."""
        if not self._scene_template_id:
            raise NotSupported("no DingTalk scene-group template is configured (DINGTALK_SCENE_TEMPLATE_ID)")
        body = {
            "title": scene_group_title(name),
            "template_id": self._scene_template_id,
            "owner_user_id": owner,
            "user_ids": list(dict.fromkeys((owner, *members))),
        }
        chat = self._api_call("POST", "/v1.0/im/sceneGroup/create", body).get("open_conversation_id")
        if not isinstance(chat, str) or not chat:
            raise MessengerError(PLATFORM, "sceneGroup/create", "no open_conversation_id in the answer")
        return chat

    # Images and recalls ----------------------------------------------------------------------------
    def post_image(self, target: Target, png: bytes, name: str, caption: str = "") -> Sent:
        """`oapi media/upload` (type image) for a media id, then the robot's image message
        (`sampleImageMsg`, whose `photoURL` takes the media id) to the group or to the person; a caption
        follows as text (DingTalk shows none on an image)."""
        media_id = self._upload_image(name, png)
        param = _json({"photoURL": media_id})
        body: dict[str, Any]
        if target.chat:
            body = {"robotCode": self._robot_code, "openConversationId": target.chat}
            data = self._api_call(
                "POST",
                "/v1.0/robot/groupMessages/send",
                {**body, "msgKey": "sampleImageMsg", "msgParam": param},
            )
        elif target.user:
            body = {"robotCode": self._robot_code, "userIds": [target.user]}
            data = self._api_call(
                "POST",
                "/v1.0/robot/oToMessages/batchSend",
                {**body, "msgKey": "sampleImageMsg", "msgParam": param},
            )
        else:
            raise ValueError("a DingTalk image goes to a chat or a user")
        if caption:
            self.post_text(Target(tenant=target.tenant, chat=target.chat, user=target.user), caption)
        return Sent(message_id=_optional_str(data.get("processQueryKey")))

    def permalink(self, tenant: str, chat: str, message_id: str) -> str | None:
        return None  # the platform has no link to a group message

    def recall_own(self, tenant: str, chat: str, message_id: str, *, token: str | None = None) -> None:
        """The robot's own message, by the `processQueryKey` it was sent with: `groupMessages/recall` in a
        group, `otoMessages/batchRecall` in a one-to-one chat. An interactive card (its `Sent.token` is its
        outTrackId) has no recall: it can only be updated."""
        if token and token == message_id:
            raise NotSupported("DingTalk interactive cards cannot be recalled, only updated")
        if chat:
            body: dict[str, Any] = {
                "robotCode": self._robot_code,
                "openConversationId": chat,
                "processQueryKeys": [message_id],
            }
            data = self._api_call("POST", "/v1.0/robot/groupMessages/recall", body)
        else:
            body = {"robotCode": self._robot_code, "processQueryKeys": [message_id]}
            data = self._api_call("POST", "/v1.0/robot/otoMessages/batchRecall", body)
        # A 200 answer lists each key under `successResult` or, with DingTalk's reason, `failedResult`.
        failed = data.get("failedResult")
        if isinstance(failed, dict) and message_id in failed:
            raise MessengerError(PLATFORM, "recall", f"not recalled: {failed[message_id]}")
        if message_id not in (data.get("successResult") or []):
            raise MessengerError(PLATFORM, "recall", "DingTalk did not confirm the recall")

    def _upload_image(self, name: str, png: bytes) -> str:
        for attempt in (1, 2):
            params = {"access_token": self._oapi_token.get(), "type": "image"}
            response = self._oapi.request(
                "POST", "/media/upload", params=params, files={"media": (name, png, "image/png")}
            )
            data = _json_body(response)
            errcode = data.get("errcode", 0 if response.status_code < 400 else None)
            if errcode in OAPI_TOKEN_ERRORS and attempt == 1:
                self._oapi_token.invalidate()
                continue
            media_id = data.get("media_id")
            if response.status_code >= 400 or errcode != 0 or not isinstance(media_id, str) or not media_id:
                raise MessengerError(
                    PLATFORM, "media/upload", _describe(response, data), retryable=errcode == OAPI_BUSY
                )
            return media_id
        raise MessengerError(PLATFORM, "media/upload", "token refused twice")

    # Transport -----------------------------------------------------------------------------------
    def _reply(self, url: str, text: str) -> Sent:
        refuse_unless_allowed(self._reply_urls, url, method="sendBySession")
        response = self._api.request("POST", url, json={"msgtype": "text", "text": {"content": text}})
        data = _json_body(response)
        errcode = data.get("errcode", 0)
        if response.status_code >= 400 or errcode != 0:
            raise MessengerError(
                PLATFORM, "sendBySession", _describe(response, data), retryable=errcode == OAPI_BUSY
            )
        return Sent()

    def _api_call(self, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        name = path.rsplit("/", 1)[-1]
        for attempt in (1, 2):
            headers = {"x-acs-dingtalk-access-token": self._token.get()}
            response = self._api.request(method, path, json=body, headers=headers)
            data = _json_body(response)
            if response.status_code == 401 and attempt == 1:
                self._token.invalidate()  # revoked before its time: fetch a new one, once
                continue
            if response.status_code >= 400 or data.get("success") is False:
                code = str(data.get("code") or "")
                retryable = "Throttling" in code or "QpsLimit" in code
                raise MessengerError(PLATFORM, name, _describe(response, data), retryable=retryable)
            return data
        raise MessengerError(PLATFORM, name, "token refused twice")

    def _oapi_call(
        self, method: str, path: str, body: dict[str, Any], *, allow: tuple[int, ...] = ()
    ) -> dict[str, Any]:
        name = path.rsplit("/", 1)[-1]
        for attempt in (1, 2):
            params = {"access_token": self._oapi_token.get()}
            response = self._oapi.request(method, path, params=params, json=body)
            data = _json_body(response)
            errcode = data.get("errcode", 0 if response.status_code < 400 else None)
            if errcode in OAPI_TOKEN_ERRORS and attempt == 1:
                self._oapi_token.invalidate()
                continue
            if response.status_code >= 400 or (errcode != 0 and errcode not in allow):
                raise MessengerError(
                    PLATFORM, name, _describe(response, data), retryable=errcode == OAPI_BUSY
                )
            return data
        raise MessengerError(PLATFORM, name, "token refused twice")

    def _fetch_token(self) -> tuple[str, float]:
        response = self._api.request(
            "POST", "/v1.0/oauth2/accessToken", json={"appKey": self._app_key, "appSecret": self._app_secret}
        )
        data = _json_body(response)
        token = data.get("accessToken")
        if response.status_code >= 400 or not isinstance(token, str) or not token:
            raise MessengerError(PLATFORM, "accessToken", _describe(response, data))
        return token, float(data.get("expireIn") or 7200)

    def _fetch_oapi_token(self) -> tuple[str, float]:
        response = self._oapi.request(
            "GET", "/gettoken", params={"appkey": self._app_key, "appsecret": self._app_secret}
        )
        data = _json_body(response)
        token = data.get("access_token")
        if (
            response.status_code >= 400
            or data.get("errcode", 0) != 0
            or not isinstance(token, str)
            or not token
        ):
            raise MessengerError(PLATFORM, "gettoken", _describe(response, data))
        return token, float(data.get("expires_in") or 7200)


def messenger(settings: Settings, clock: Clock) -> DingTalkMessenger:
    return DingTalkMessenger(settings, clock=clock)


def _json_body(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _describe(response: requests.Response, data: dict[str, Any]) -> str:
    """DingTalk's own error code and message (never the request, which may hold secrets)."""
    code = data.get("code") or data.get("errcode")
    message = data.get("message") or data.get("errmsg") or ""
    return f"HTTP {response.status_code} {code}: {message}".strip()


def scene_group_title(name: str) -> str:
    """A title DingTalk accepts for a scene group: at most 30 characters, never empty."""
    title = name.strip() or "qunguan"
    return title if len(title) <= SCENE_GROUP_TITLE_MAX else title[: SCENE_GROUP_TITLE_MAX - 1] + "…"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _userids(listed: Any) -> tuple[str, ...]:
    """The `userid`s of a list of objects, once each, in order."""
    found = [str(a["userid"]) for a in listed or [] if isinstance(a, dict) and a.get("userid")]
    return tuple(dict.fromkeys(found))


def _with_country(mobile: object, state_code: object) -> str:
    """DingTalk's mobile without its country code, put back in front (`+86 13800000000`)."""
    if not isinstance(mobile, str) or not mobile:
        return ""
    code = str(state_code or "").strip().lstrip("+")
    return f"+{code} {mobile}" if code and not mobile.startswith("+") else mobile
