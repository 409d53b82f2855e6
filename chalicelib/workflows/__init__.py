"""Workflows: processes in which people decide and the bot carries the process (issue 6).

Announcements that must be acknowledged (R3.8, R4.7), publishing approval (R4.2), corrections (R3.3,
R4.10), incidents (S7), policy revisions with pilot and rollout (S10), polls (R8.3) and a suggestions box
(R4.11, R8.2). Each is a module with its state in the table, driven by commands and sealed cards
(`handlers`), with what falls due sent by the scheduled `workflows` job (`reminders`).
"""
