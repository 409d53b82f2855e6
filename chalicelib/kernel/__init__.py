"""The kernel: what every domain builds on, at the bottom of the worker (cosmicpython's message bus).

- `deps.Deps`: what a handler may use, as a protocol (`chalicelib.bootstrap.Deps` is the production one);
- `context`: the group, member, policy and locale an event is decided in;
- `handlers`: the handler types the domains register (events, commands, card actions, recording hooks,
  the recorders and follow-ups of facts);
- `where`: the one type for the group a decision acts in (`Where`), for events, clicks and jobs alike;
- `act`: the one way the bot does things (the outbox, the executor, the audit record); `outbox`,
  `executor` and `audit` are its parts;
- `commands`, `clicks`: what commands and card clicks have in common; `policies`: the policy repository.

The kernel imports no domain, nor the worker's pipeline and registry, nor the composition root
(`chalicelib.bootstrap`): the domains import it, and only the entry points (web, the job entry, the CLIs)
import bootstrap. `.importlinter` holds these layers.
"""
