"""Check that the PostgreSQL server for the test run answers; fail loudly when it does not.

`make test` runs the whole suite on PostgreSQL after SQLite. A missing server must never turn
into a silently skipped half of the suite.
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def main(url: str) -> int:
    config = dj_database_url.parse(url)
    try:
        psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.OperationalError as exc:
        print(
            f"PostgreSQL is not reachable at {url}: {exc}\n"
            "The test suite must also pass on PostgreSQL. Start the server "
            "(e.g. `pg_ctlcluster --skip-systemctl-redirect 15 main start`) or set "
            "TEST_DATABASE_URL to a server you can use.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
