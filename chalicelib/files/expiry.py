"""R6.7: archived files past the group's `retention.files` days, for the daily cleanup job
(`chalicelib.jobs.cleanup`): found on the group's files-by-age index below the cutoff (the policy as it
is now, not as it was when the file came), then every S3 version of the file and its records deleted. The
cleanup's dry run only counts them. The log of links and downloads stays until its own expiry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from chalicelib.files import wiring
from chalicelib.files.records import ArchivedFile, FileRepo
from chalicelib.kernel.deps import Deps

log = logging.getLogger("qunguan.files.expiry")


def expired(deps: Deps, gid: str, cutoff: float) -> Iterator[ArchivedFile]:
    return FileRepo(deps.store).archived_before(gid, cutoff)


def delete(deps: Deps, file: ArchivedFile) -> int:
    """The file's bytes (every version) and then its records; how many S3 versions went."""
    storage = wiring.storage(deps)
    versions = storage.delete_all(file.key) if storage is not None else 0
    FileRepo(deps.store).forget(file)
    log.info("expired file deleted: %d S3 version(s)", versions)
    return versions
