"""Membership lifecycle (REQUIREMENTS.md S2 and R8.7): who may be in a meeting group and under what name.

- `qualification`: an active employee of the tenant, or a guest on the group's roster (R2.1);
- `joins`: the join gate and its approval workflow (R2.2, R2.4);
- `names`: real names against the directory or the group's pattern (R2.3);
- `departures`: leavers removed everywhere, transfers reviewed (R2.5, R2.8);
- `welcome`: a welcome with the rules and an acknowledgement button (R2.7);
- `lifecycle` and `inactivity`: the inactivity exits, a scheduled job (R2.9, R8.7);
- `groups`: which groups are governed, and groups the bot creates itself.

The pure decisions (`qualification`, `names`, `joins`, `departures`, `welcome`, `lifecycle`) do no I/O and
are table-tested; `handlers` and the jobs load state through `repository`, decide, and let the executor act.
"""
