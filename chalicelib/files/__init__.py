"""The file archive (R6.4-R6.10): files shared in a governed group kept in S3, served only through
short-lived links of our own, every link and download recorded.

    archiving.py   a file the bot can get -> streamed from the messenger into S3 (size cap, sha256),
                   its record, its place in the document's version chain, readers of older versions told
    sources.py     what a messenger's file download looks like (`adapters/<platform>/files.py` fetch)
    storage.py     the bucket: streamed upload, presigned GET (~60 s), every version deleted
    records.py     the records in the table: files, document chains, link and download log, requests,
                   grants, where private uploads go
    links.py       a link: an opaque random token, its record by the token's hash, bound to one browser
                   session and spent once (conditional writes), the confirmation's CSRF token
    downloads.py   GET /files/{token}: the member checked, the link bound to this browser, a confirmation;
                   POST from that browser: the link spent, the download recorded, 303 to S3
    commands.py    `files`, `file <id>`, `file note|log|upload|approve|reject`, the approval card
    expiry.py      the cleanup job's part: files past `retention.files`, every S3 version and the records
    settings.py    the policy's `archive` section
    wiring.py      the bucket client and the fetchers, built once per `Deps` (or given by a test)
    handlers.py    the domain's registry entry

Nothing here is imported by `app.py` at import time: the route's body imports `downloads` lazily.
"""
