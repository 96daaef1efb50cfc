"""The language server for rule files (``govrules lsp``). See ``docs/editors.md``."""
