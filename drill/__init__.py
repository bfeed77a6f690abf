"""Reliability drills (`python -m drill`, `make drill`): the system as processes, broken on purpose.

Scenarios: SIGKILL of each service during a mixed workload, a NATS restart mid-run, the SMTP server
away for 30 s, malformed messages among good ones, and the database file's disk full. For each the
drill counts events lost, duplicate mails and dead letters (with their reason) and measures the time
to recover; the results go to RELIABILITY.md (`--report`).
"""
