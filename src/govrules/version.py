"""The version of govrules (one place, read by the package, the CLI, the API and reports)."""

__version__ = "0.1.0"
