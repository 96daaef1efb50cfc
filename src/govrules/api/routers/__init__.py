"""One router per resource of the API (``docs/http-api.md``), plus the HTML page."""
