"""Fleet mode: the library in PostgreSQL, shared by several citebot processes.

PostgreSQL is the source of truth (`CITEBOT_DATABASE_URL`); each change to a collection
commits a new generation, and every process follows the generations table (NOTIFY is only
a hint) and records the generation it serves. The per-server settings and the feeds are
kept here too (settings_store.py, feed_store.py; one process runs the feeds: election.py).
Only this package talks to PostgreSQL (bot/stores.py chooses it when CITEBOT_DATABASE_URL
is set): the rest of citebot keeps its single-process SQLite files.
"""
