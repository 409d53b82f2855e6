"""`qunguan person show|hold|release|erase <platform:tenant:user>`: the operator's verbs, as the command
line runs them (`python -m chalicelib.cli person ...`)."""

from __future__ import annotations

import argparse
import io
import json

from chalicelib.bootstrap import Deps
from chalicelib.cli import parser
from chalicelib.persons import cli
from chalicelib.persons.repository import PersonRepo
from tests.membership.factories import NOW

UID = "wecom:ww1:zhangsan"


def run(deps: Deps, *argv: str) -> tuple[int, str]:
    args: argparse.Namespace = parser().parse_args(["person", *argv])
    out = io.StringIO()
    return cli.run(args, deps, out), out.getvalue()


def test_show_hold_release_and_erase_a_person(memory_deps: Deps) -> None:
    PersonRepo(memory_deps.store).create(UID, via="admin", by="x", at=NOW)

    status, shown = run(memory_deps, "show", UID)
    assert status == 0 and json.loads(shown)["identities"] == [UID]

    status, held = run(memory_deps, "hold", UID, "--reason", "litigation 7", "--by", "ops:li")
    assert status == 0 and json.loads(held)["hold"]["reason"] == "litigation 7"
    status, _ = run(memory_deps, "release", UID, "--by", "ops:li")
    assert status == 0

    status, erased = run(memory_deps, "erase", UID, "--reason", "ticket 42", "--by", "ops:li")
    assert status == 0 and json.loads(erased)["tombstone"].startswith("erased:")
    assert PersonRepo(memory_deps.store).pointer(UID) is None


def test_an_unknown_identity_or_a_release_without_hold_is_a_clear_error(memory_deps: Deps) -> None:
    assert run(memory_deps, "show", "wecom:ww1:nobody") == (
        2,
        "person show: qunguan knows no person with the identity wecom:ww1:nobody\n",
    )
    status, said = run(memory_deps, "show", "zhangsan")
    assert status == 2 and "platform:tenant:user" in said
    PersonRepo(memory_deps.store).create(UID, via="admin", by="x", at=NOW)
    status, said = run(memory_deps, "release", UID)
    assert status == 2 and "no legal hold" in said
