"""One writer at a time per store: a lock file beside a SQLite database, an advisory lock on PostgreSQL."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text as sql_text


@contextmanager
def writer(engine):
    """Held while this process writes: other writers of the same store (other processes,
    other threads) wait for it, so concurrent ingests, corrections and re-extractions
    run one after the other, with the result of running them in sequence — not
    'database is locked' or a unique-key violation for the batch that lost the race.
    SQLite: an exclusive lock on a `.lock` file beside the database; PostgreSQL: a
    session advisory lock. Re-entrant within a process."""
    key, acquire = _writer_lock(engine)
    with _WRITER_LOCKS.setdefault(key, threading.RLock()):
        depth = _WRITER_DEPTH.get(key, 0)
        release = acquire() if depth == 0 else None
        _WRITER_DEPTH[key] = depth + 1
        try:
            yield
        finally:
            _WRITER_DEPTH[key] -= 1
            if release is not None:
                release()

def _writer_lock(engine):
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = str(Path(url.database).resolve()) + ".lock"

        def acquire():
            import fcntl
            try:
                fh = open(path, "a+b")
            except OSError:  # a read-only folder: nobody can write there either
                return lambda: None
            fcntl.flock(fh, fcntl.LOCK_EX)

            def release():
                fcntl.flock(fh, fcntl.LOCK_UN)
                fh.close()
            return release
        return f"sqlite:{path}", acquire
    if url.get_backend_name() == "postgresql":
        def acquire():
            conn = engine.connect()
            conn.execute(sql_text("SELECT pg_advisory_lock(:k)"), {"k": _PG_WRITER_KEY})
            conn.commit()

            def release():
                try:
                    conn.execute(sql_text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_WRITER_KEY})
                    conn.commit()
                finally:
                    conn.close()
            return release
        return f"pg:{url.render_as_string(hide_password=True)}", acquire
    return f"other:{id(engine)}", lambda: (lambda: None)


_WRITER_LOCKS: dict[str, threading.RLock] = {}
_WRITER_DEPTH: dict[str, int] = {}
_PG_WRITER_KEY = 0x43617261  # "Cara": the advisory lock key of a store's writers
