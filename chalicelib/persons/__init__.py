"""One person across every group and messenger (issue 20).

A `Person` (`PERSON#{pid}`) holds the platform identities that are the same human: linked automatically
where the company directories prove it (the same work e-mail or mobile, compared as keyed hashes,
`contacts`), or by an admin's link (`person link`). Each identity has a pointer item (`IDN#{uid}`) that
carries its person's org- and tag-wide sanctions, so the join gate of any governed group on any platform
reads one item to refuse a banned person (`gate`). Sanctions (`sanctions`) are bans or watches scoped to
one group, a tag of groups, or the org; the history (`history`), a person's own export (`export`) and the
operators' verbs (`operations`: show, erase, hold, release) read and write through `PersonRepo`.
"""
