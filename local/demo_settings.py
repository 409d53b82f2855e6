"""Demo credentials for the local stack, the demo and the tests. They are not secrets: they sign
requests between processes on this machine only, and `make run` says when it falls back to them."""

from __future__ import annotations

DEMO_SETTINGS: dict[str, str] = {
    "SLACK_SIGNING_SECRET": "demo-slack-signing-secret",
    "SLACK_BOT_TOKEN": "xoxb-demo-bot-token",
    "WECOM_CORP_ID": "wwdemocorp0001",
    "WECOM_AGENT_ID": "1000002",
    "WECOM_SECRET": "demo-wecom-app-secret",
    "WECOM_TOKEN": "demowecomtoken",
    "WECOM_AES_KEY": "JpE+30GCeYmpALlmkbsSjLlmjfS7kgNC8HfSW+uuZkU",
    "WECOM_AIBOT_TOKEN": "demoaibottoken",
    "WECOM_AIBOT_AES_KEY": "yBd7cKurJ3BLMwL/4AhWq8RY/Xyvgn1EQ8J9IvMaT68",
    "DINGTALK_APP_KEY": "dingdemoappkey",
    "DINGTALK_CORP_ID": "dingdemocorp",
    "DINGTALK_APP_SECRET": "demo-dingtalk-app-secret",
    "DINGTALK_ROBOT_CODE": "dingdemorobot",
    "DINGTALK_TOKEN": "demodingtoken",
    "DINGTALK_AES_KEY": "2ikDP9l9UZIbH35nZXpI3W8lZfpI7jdkCPXMBvU74m0",
    "DINGTALK_CARD_SECRET": "demo-dingtalk-card-secret",
}

# Tenants the scripted conversations use.
SLACK_TEAM = "T0QGDEMO"
DINGTALK_CORP = DEMO_SETTINGS["DINGTALK_CORP_ID"]
