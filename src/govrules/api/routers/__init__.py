"""One router per resource of ``interfaces.md``, plus the HTML page."""
