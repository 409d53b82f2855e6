"""The sections of a group's policy that belong to one domain each (the archive, the jobs, membership,
the workflows and their mention reminders), as pydantic models. They live in core, beside
`chalicelib.core.policy` which assembles them, so that core imports no domain; each domain's `settings`
module re-exports its own."""
