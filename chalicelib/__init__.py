"""qunguan's domain: adapters per messenger, pure rules, the store, workflows and jobs.

Nothing in this package reads the environment, opens a client or touches the network at import time;
`chalicelib.bootstrap.get_deps()` builds everything on first use.
"""
