"""Moderation in the worker: the signals the pure rules need, the cases and their points, mutes that end
by themselves, the admin loop on cards, reports, appeals and admin commands (R2.6, R3.x, R4.x, R5.x)."""
