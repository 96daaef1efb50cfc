"""Alembic environment: runs on the connection :func:`~govrules.register.database.migrate`
hands over in ``config.attributes["connection"]``, inside its transaction."""

from __future__ import annotations

from alembic import context

from govrules.register.tables import metadata


def run_migrations() -> None:
    """Run the migrations Alembic has chosen, on the connection it was given."""
    connection = context.config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic runs this file with its context set up; a tool that merely imports the package's
# modules (the doctest runner, documentation builders) must not start a migration.
if hasattr(context, "config"):
    run_migrations()
