"""Alembic migrations of the register, kept in the package so an installed govrules can migrate.

Run through :func:`govrules.register.database.migrate`; there is no ``alembic.ini``.
"""
