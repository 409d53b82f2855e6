"""The group picker's search: any group the viewer may read, found by the start of its name, a page at a
time, for the pages that show one group (assessments, audit, files, jobs).

The picker's list offers the first `pages_org.PICKER` groups by name; the search box beside it finds
the others. Without JavaScript it is a GET form to the page itself (`?find=`), the matches listed under
it as links that open each group there; with htmx the same list is fetched from `/console/pick` as you
type (`_picker_found.html`, one template for both).

- Owners and auditors read every group: a search is one GSI1 Query of the names starting with the text
  (`Store.groups_named`, a `begins_with` on the index's sort key, the folded name), which reads the
  matches only, whatever the number of groups; the next page starts after the last key shown.
- A group admin searches their own groups only (`Viewer.administered`, read once a request), in memory,
  with the same rule: nobody finds a group they may not read.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from chalicelib.console.listing import CURSOR_CHARS, name_key
from chalicelib.console.roles import Forbidden, Viewer
from chalicelib.console.web import View
from chalicelib.http import Reply
from chalicelib.store import keys
from chalicelib.store.records import GroupRecord

FOUND = 20  # matches a page
TEXT_CHARS = 100


@dataclass(frozen=True)
class Found:
    """The groups a search found (this page of them), what was searched, and the query string of the
    next page ("" when this is the last)."""

    text: str
    groups: list[GroupRecord]
    more: str


def find_groups(viewer: Viewer, text: str, *, after: str = "", limit: int = FOUND) -> list[GroupRecord]:
    """Up to `limit` groups the viewer may read whose name starts with `text` (folded), after the
    cursor `after` (a `listing.name_key`), by name."""
    prefix = keys.name_prefix(text)
    if not prefix:
        return []
    if viewer.reads_all:
        return viewer.deps.store.groups_named(prefix, after=after, limit=limit)
    after = keys.cursor_within(prefix, after)
    mine = sorted(viewer.administered.values(), key=name_key)
    return [g for g in mine if name_key(g).startswith(prefix) and name_key(g) > after][:limit]


def found_of(view: View) -> Found | None:
    """The search the URL asks for (`?find=`, `?after=`), None when there is none. `?group=` is kept in
    the next page's link, so that paging through matches leaves the group shown where it was."""
    text = view.query("find").strip()[:TEXT_CHARS]
    if not text:
        return None
    groups = find_groups(view.viewer, text, after=view.query("after")[:CURSOR_CHARS], limit=FOUND + 1)
    more = ""
    if len(groups) > FOUND:
        groups = groups[:FOUND]
        kept = {"group": view.query("group")} if view.query("group") else {}
        more = urlencode({**kept, "find": text, "after": name_key(groups[-1])})
    return Found(text=text, groups=groups, more=more)


def pick_page(view: View) -> Reply:
    """The matches as a partial, for htmx to swap in under the search box as you type."""
    viewer = view.viewer
    if not viewer.reads_all and not viewer.administered:
        raise Forbidden("no group")
    return view.render("_picker_found.html", active="", found=found_of(view))
