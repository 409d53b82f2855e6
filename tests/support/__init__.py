"""Shared test harness: a whole qunguan stack in one process (chalice.test.Client, a store, the
recording messenger fake, inline dispatch)."""
