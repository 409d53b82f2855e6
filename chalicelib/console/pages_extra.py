"""The console's routes beyond the page loaders of `pages` and `pages_org`: the policy editor's
`policy test` preview, dry runs of jobs, a group's announcements and files (partials of its page), and
a person's page. Each handler lives with its reads in a module of its own."""

from __future__ import annotations

from collections.abc import Callable

from chalicelib.console.web import View
from chalicelib.http import Reply

Handler = Callable[[View], Reply]


def routes() -> dict[tuple[str, str], Handler]:
    """The handlers by (route, method); a function, as `pages.routes`, so importing runs nothing."""
    from chalicelib.console import dry_runs, group_extras, person_page, policy_trial

    return {
        ("policy-test", "POST"): policy_trial.policy_test,
        ("jobs-dry-run", "POST"): dry_runs.dry_run,
        ("group-announcements", "GET"): group_extras.announcements,
        ("group-files", "GET"): group_extras.files,
        ("person", "GET"): person_page.person_page,
    }
