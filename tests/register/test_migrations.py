"""Migrations run up and down on both databases, and the schema they make is the one the code
describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from govrules.register.database import connect
from govrules.register.database import current_revision
from govrules.register.database import head_revision
from govrules.register.database import migrate
from govrules.register.database import open_engine
from govrules.register.tables import metadata

TABLES = {"systems", "places", "declarations", "assessments", "audit", "tokens"}


def test_up_down_and_up_again(db_url: str) -> None:
    engine = connect(db_url)
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == head_revision()
        assert TABLES <= set(inspect(engine).get_table_names())
        migrate(engine, "base", down=True)
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        migrate(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_tables(db_url: str) -> None:
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, metadata)
        assert differences == []
    finally:
        engine.dispose()


def test_opening_twice_migrates_once(db_url: str) -> None:
    first = open_engine(db_url)
    second = open_engine(db_url)  # already at head: nothing to do
    try:
        assert current_revision(first) == current_revision(second) == head_revision()
    finally:
        first.dispose()
        second.dispose()
