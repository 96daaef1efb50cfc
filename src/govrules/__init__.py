"""govrules: rules-as-code compliance checks for place-based health and care governance."""

__version__ = "0.1.0"
