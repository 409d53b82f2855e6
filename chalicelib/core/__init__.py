"""The platform-neutral core: events, actions, policy, rules and the engine. No I/O here."""
