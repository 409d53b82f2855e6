"""Scheduled work: each job runs per group, fanned out through the queue as `JobRequested` events."""
