"""Scheduled work (R3.9, R4.7, R4.8, R8.4, R8.5, S9), each job per group and fanned out through the queue as
`JobRequested` events, or (backups) on the table in a function of its own.

    entry.py      the bodies of app.py's schedules (nothing imported until a schedule fires)
    scheduler.py  the fan-out: list the groups, claim each request, dispatch it
    handlers.py   the worker's side: run the job, report to the admins; log messages for the jobs
    base.py       Job, TableJob, JobReport          runs.py     run records, checkpoints, RecordedJob
    catalog.py    the jobs by name (lazily)          cli.py      `python -m chalicelib.cli job ...`
    cleanup.py, review.py, assessment.py (+ scoring.py, report_html.py, charts/, archive.py),
    backup.py, drill.py (+ manifest.py, tables.py)   the jobs
    activity.py   the message log                    posts.py    bot posts and passes that fall due
    settings.py   the policy's `jobs` section        periods.py  period labels and local days
"""
