"""The world the console tests run in: the real routes through `chalice.test.Client`, a memory store, a
frozen clock, a recording messenger per platform, the worker inline, and a cast on one Slack workspace:

    BOSS     an owner of the org (`workflows.revisions.owners`)
    AUDREY   an auditor (`auditors`)
    ADA      a platform admin of group CA
    BEN      a platform admin of group CB
    MIA      a member of CA, with a case waiting there
    (nobody) no session at all
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import yaml
from chalice.test import Client, HTTPResponse

from chalicelib.bootstrap import Deps, build_dispatcher, use_deps
from chalicelib.clock import FrozenClock
from chalicelib.console.entry import Console, build_console, use_console
from chalicelib.console.settings import ConsoleSettings
from chalicelib.core.ids import PLATFORMS, Platform, group_id, user_id
from chalicelib.core.policy import default_policy_text
from chalicelib.kernel.policies import PolicyRepo
from chalicelib.moderation.cases import CaseRepo
from chalicelib.moderation.followups import FollowUp, FollowUps
from chalicelib.store import keys
from chalicelib.store.memory import MemoryStore
from chalicelib.store.records import GroupRecord, MemberRecord
from tests.reliability.support import demo_settings
from tests.support.messenger import RecordingMessenger

T0 = 1_767_225_600.0
TEAM = "T0CON"
BOSS, AUDREY, ADA, BEN, MIA = "UBOSS", "UAUDREY", "UADA", "UBEN", "UMIA"
CA, CB = "CA", "CB"


def uid(user: str) -> str:
    return user_id("slack", TEAM, user)


def gid(chat: str) -> str:
    return group_id("slack", TEAM, chat)


def path_of(chat: str) -> str:
    return f"/console/groups/{quote(gid(chat), safe='')}"


@dataclass
class ConsoleWorld:
    client: Client
    deps: Deps
    console: Console
    clock: FrozenClock
    messengers: dict[Platform, RecordingMessenger]
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> MemoryStore:
        store = self.deps.store
        assert isinstance(store, MemoryStore)
        return store

    def sign_in(self, user: str | None) -> str:
        """A session for `user` by the local dev login (None: nobody); the Cookie header to send."""
        if user is None:
            return ""
        if user not in self.cookies:
            response = self.client.http.get(f"/console/dev-login?user={quote(uid(user))}&next=/console/me")
            assert response.status_code == 302, response.body
            self.cookies[user] = response.headers["Set-Cookie"].split(";", 1)[0]
        return self.cookies[user]

    def get(self, path: str, user: str | None) -> HTTPResponse:
        return self.client.http.get(path, headers={"Cookie": self.sign_in(user)})

    def post(self, path: str, user: str | None, form: dict[str, str]) -> HTTPResponse:
        body = "&".join(f"{quote(k)}={quote(v)}" for k, v in form.items())
        headers = {"Cookie": self.sign_in(user), "Content-Type": "application/x-www-form-urlencoded"}
        return self.client.http.post(path, headers=headers, body=body)

    def csrf(self, user: str) -> str:
        session = self.console.sessions.find(self.sign_in(user), self.clock.now())
        assert session is not None
        return self.console.sessions.csrf(session)

    # The setting -------------------------------------------------------------------------------------

    def org(self, **settings: Any) -> None:
        document = {**yaml.safe_load(default_policy_text()), "locale": "en", **settings}
        PolicyRepo(self.store).apply(keys.ORG_SCOPE, yaml.safe_dump(document), author="ops", now=0)

    def group(self, chat: str, name: str, admins: tuple[str, ...]) -> None:
        self.store.put_group(
            GroupRecord(
                gid=gid(chat), platform="slack", tenant=TEAM, chat=chat, name=name, locale="en", admins=admins
            )
        )

    def member(self, chat: str, user: str, points: float = 0.0, *, name: str = "") -> None:
        self.store.put_member(
            MemberRecord(
                gid=gid(chat),
                uid=uid(user),
                user=user,
                display_name=name,
                points=points,
                last_active=T0,
                joined_at=T0,
            )
        )

    def open_case(
        self, chat: str, user: str, ref: str, *, card: str = "violation", cards: tuple[str, ...] = ()
    ) -> None:
        """A case waiting for an admin, as the worker leaves one: the case, and its card followed (sent to
        one admin, or with each of `cards` the token of one admin's copy)."""
        CaseRepo(self.store).open(
            gid=gid(chat),
            uid=uid(user),
            ref=ref,
            data={"user": user, "rule": "flood", "state": "open", "points": 2.0},
            at=self.clock.now(),
            retention_days=365,
        )
        FollowUps(self.store).open(
            FollowUp(
                gid=gid(chat),
                chat=chat,
                ref=ref,
                kind="case",
                card=card,
                opened_at=self.clock.now(),
                member=user,
                rule="flood",
                recipients=(ADA,),
                plan=(),
                cards=cards or (f"{chat}:1767225600.000100",),
            )
        )


@contextmanager
def console_world(**console_settings: Any) -> Iterator[ConsoleWorld]:
    import app as application

    clock = FrozenClock(T0)
    messengers = {platform: RecordingMessenger(platform=platform) for platform in PLATFORMS}
    deps = Deps(
        settings=demo_settings().model_copy(update={"qg_dispatch": "inline"}),
        clock=clock,
        store=MemoryStore(clock=clock),
        messenger_factory=lambda platform: messengers[platform],
    )
    deps.dispatcher = build_dispatcher(deps)
    values: dict[str, Any] = {"qg_console_dev_login": True, **console_settings}
    console = build_console(deps, ConsoleSettings(_env_file=None, **values))
    use_deps(deps)
    use_console(console)
    try:
        with Client(application.app) as client:
            world = ConsoleWorld(client, deps, console, clock, messengers)
            world.org(workflows={"revisions": {"owners": [uid(BOSS)]}}, auditors=[uid(AUDREY)])
            world.group(CA, "Alpha", admins=(ADA,))
            world.group(CB, "Beta", admins=(BEN,))
            world.member(CA, MIA, points=2.0)
            world.member(CA, ADA)
            world.member(CB, BEN)
            world.open_case(CA, MIA, "c-alpha-1")
            world.open_case(CB, BEN, "c-beta-1")
            yield world
    finally:
        use_console(None)
        use_deps(None)
