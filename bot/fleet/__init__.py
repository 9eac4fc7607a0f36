"""Fleet mode: the library in PostgreSQL, shared by several citebot processes.

PostgreSQL is the source of truth (`CITEBOT_DATABASE_URL`); each change to a collection
commits a new generation, and every process follows the generations table (NOTIFY is only
a hint) and records the generation it serves. Only this package talks to PostgreSQL: the
rest of citebot keeps its single-process SQLite files.
"""
