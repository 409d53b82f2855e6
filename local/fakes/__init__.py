"""Local HTTP fakes of the messenger APIs that record what was sent (used by tests and `make demo`)."""
