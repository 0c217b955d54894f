"""Both engines hold the same schema: tables, columns (order, type, nullability, default), primary keys,
unique constraints, foreign keys and indexes (with their predicates). A migration that lands on one engine
only fails here. Times are TEXT in SQLite (fixed-width UTC) and TIMESTAMPTZ in PostgreSQL: that is the one
difference of types allowed, and identity columns are INTEGER PRIMARY KEY against BIGINT IDENTITY."""

from __future__ import annotations

import re
import sqlite3

import asyncpg
import pytest

from tests.stores import PG_REQUIRED, PG_SKIP_REASON, PG_URL, fresh_store

Schema = dict[str, object]


def _norm(expr: str | None) -> str | None:
    return re.sub(r"[\s()\"]", "", expr).lower() if expr else None


def _type(engine_type: str) -> str:
    t = engine_type.lower()
    if t in ("integer", "bigint", "int", "int8", "int4"):
        return "integer"
    if t.startswith("timestamp"):
        return "time"
    return t


def sqlite_schema(path: str) -> Schema:
    db = sqlite3.connect(path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out: Schema = {}
        for t in tables:
            info = db.execute(f"PRAGMA table_info({t})").fetchall()
            pk = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
            columns = []
            for _, name, ctype, notnull, default, is_pk in info:
                kind = "time" if ctype.upper() == "TEXT" and _is_time(name) else _type(ctype)
                columns.append((name, kind, bool(notnull or is_pk), _norm(default)))
            fks = sorted(
                (tuple(r[3] for r in group), r0[2], tuple(r[4] for r in group))
                for r0, group in _fk_groups(db.execute(f"PRAGMA foreign_key_list({t})").fetchall())
            )
            uniques, indexes = set(), set()
            for _, iname, unique, origin, partial in db.execute(f"PRAGMA index_list({t})"):
                cols = tuple(r[2] for r in db.execute(f"PRAGMA index_info({iname})"))
                if origin == "u":
                    uniques.add(cols)
                elif origin == "c":
                    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", (iname,)).fetchone()[0]
                    where = sql.split(" WHERE ", 1)[1] if partial else None
                    indexes.add((iname, cols, bool(unique), _norm(where)))
            out[t] = {"columns": columns, "pk": pk, "fks": fks, "uniques": uniques, "indexes": indexes}
        return out
    finally:
        db.close()


def _is_time(name: str) -> bool:
    return name.endswith("_at") or name in ("at", "lease_until")


def _fk_groups(rows):
    groups: dict[int, list] = {}
    for r in rows:
        groups.setdefault(r[0], []).append(r)
    return [(g[0], sorted(g, key=lambda r: r[1])) for g in groups.values()]


async def postgres_schema(url: str) -> Schema:
    conn = await asyncpg.connect(url)
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        out: Schema = {}
        for t in tables:
            cols = await conn.fetch(
                "SELECT column_name, data_type, is_nullable, column_default, is_identity FROM "
                "information_schema.columns WHERE table_schema = 'public' AND table_name = $1 "
                "ORDER BY ordinal_position", t)
            columns = [(c["column_name"], _type(c["data_type"]), c["is_nullable"] == "NO",
                        None if c["is_identity"] == "YES" else _norm(_pg_default(c["column_default"])))
                       for c in cols]
            cons = await conn.fetch(
                "SELECT c.contype::text AS contype, c.conkey, c.confkey, f.relname AS ftable, "
                "ARRAY(SELECT attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
                "ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols, "
                "ARRAY(SELECT attname FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
                "ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS fcols "
                "FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid LEFT JOIN pg_class f ON f.oid = c.confrelid "
                "WHERE r.relname = $1", t)
            pk = next((tuple(c["cols"]) for c in cons if c["contype"] == "p"), ())
            fks = sorted((tuple(c["cols"]), c["ftable"], tuple(c["fcols"])) for c in cons if c["contype"] == "f")
            uniques = {tuple(c["cols"]) for c in cons if c["contype"] == "u"}
            idx = await conn.fetch(
                "SELECT i.relname AS name, x.indisunique AS uniq, pg_get_expr(x.indpred, x.indrelid) AS pred, "
                "ARRAY(SELECT attname FROM unnest(x.indkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a "
                "ON a.attrelid = x.indrelid AND a.attnum = k.n ORDER BY k.o) AS cols "
                "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class r ON r.oid = x.indrelid "
                "WHERE r.relname = $1 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                t)
            indexes = {(i["name"], tuple(i["cols"]), i["uniq"], _norm(i["pred"])) for i in idx}
            out[t] = {"columns": columns, "pk": pk, "fks": fks, "uniques": uniques, "indexes": indexes}
        return out
    finally:
        await conn.close()


def _pg_default(default: str | None) -> str | None:
    """'{}'::text -> '{}', 0 -> 0: the literal without PostgreSQL's cast."""
    return re.sub(r"::[a-z ]+$", "", default) if default else None


async def test_sqlite_and_postgresql_schemas_are_the_same(tmp_path):
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("STEELMAN_REQUIRE_POSTGRES=1 but STEELMAN_TEST_POSTGRES_URL is not set")
        pytest.skip(PG_SKIP_REASON)
    async with fresh_store("sqlite", tmp_path) as lite:
        sqlite_side = sqlite_schema(lite.path)
    async with fresh_store("postgres", tmp_path) as pg:
        pg_side = await postgres_schema(pg.url)
    sqlite_side.pop("schema_migrations")
    pg_side.pop("schema_migrations")
    assert sorted(sqlite_side) == sorted(pg_side)
    for table in sqlite_side:
        for part in ("columns", "pk", "fks", "uniques", "indexes"):
            assert sqlite_side[table][part] == pg_side[table][part], f"{table}: {part} differ"


def test_the_comparison_sees_a_difference(tmp_path):
    """A column added on one engine only is caught (the check itself can fail)."""
    path = str(tmp_path / "a.db")
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, done_at TEXT, note TEXT NOT NULL DEFAULT '')")
    db.execute("CREATE INDEX t_open ON t (done_at) WHERE done_at IS NULL")
    db.commit()
    db.close()
    schema = sqlite_schema(path)
    assert schema["t"]["columns"] == [("id", "integer", True, None), ("done_at", "time", False, None),
                                      ("note", "text", True, "''")]
    assert schema["t"]["indexes"] == {("t_open", ("done_at",), False, "done_atisnull")}
