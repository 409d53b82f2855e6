"""DingTalk (钉钉): three inbound routes and one outbound client (PROTOCOLS.md section 2).

- `endpoints`: the enterprise robot's @-messages (`/dingtalk/robot`, header HMAC), the event
  subscription (`/dingtalk/events`, WXBizMsgCrypt, encrypted "success" reply within 1500 ms) and
  interactive card clicks (`/dingtalk/cards`, `x-ddpaas-signature`). Ingress only: the standard library
  and `cryptography`, nothing heavier.
- `signature`: the robot and card HMACs and their freshness windows.
- `client`: `DingTalkMessenger`, the outbound verbs over api.dingtalk.com and the legacy oapi
  (worker only: it pulls in `requests`).
- `cards`: a platform-neutral `Card` as the parameters of a registered card template.

This package's `__init__` imports nothing, so importing one module does not load the others.
"""
