"""The database the benchmarks use: PostgreSQL in `make bench`, created on its server if missing."""

from __future__ import annotations

import os

import psycopg
from psycopg import sql


def ensure_database() -> None:
    """Create the PostgreSQL database DATABASE_URL names if its server does not have it yet."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return
    name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
    server = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(server, autocommit=True) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        known = connection.execute(query, [name]).fetchone()
        if known is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(str(name))))
