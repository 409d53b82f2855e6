"""WeCom (企业微信): the self-built app's XML callback, the AI bot's JSON callback, and the app's API.

- `endpoints`: `WeComCallback` (route "wecom.callback", receive id = corp id) and `WeComAIBot` (route
  "wecom.aibot", receive id = ""); both verify with the shared `MsgCrypt` before parsing anything.
- `client`: `WeComMessenger`, the outbound verbs over `qyapi.weixin.qq.com/cgi-bin` (imports `requests`,
  so only the worker loads it).
- `cards`: a neutral `Card` rendered as a `template_card` of type `button_interaction`.

PROTOCOLS.md section 1 has the protocol facts; nothing here is imported by the package itself, so the
ingress path pays only for the module it uses.
"""
