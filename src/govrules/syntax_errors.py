"""Friendly syntax errors: a Lark error mapped to a located diagnostic that says, in words,
what was expected (keywords and clause names, never terminal names) and what might be meant."""

from __future__ import annotations

import difflib
import re

from lark import Lark
from lark.exceptions import UnexpectedCharacters
from lark.exceptions import UnexpectedInput
from lark.exceptions import UnexpectedToken

from .errors import Diagnostic
from .errors import make_diagnostic
from .source import Source
from .source import Span

_TERMINAL_WORDS = {
    "RULE_ID": "a rule ID such as SAP-1",
    "IDENT": "a name",
    "STRING": 'a "quoted string"',
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "DURATION": "a duration such as 15 months",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "COLON": "':'",
    "DOT": "'.'",
    "EQUAL": "'='",
    "STAR": "'*'",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "SLASH": "'/'",
    "LESSTHAN": "'<'",
    "MORETHAN": "'>'",
    "$END": "the end of the file",
}

_CLAUSE_WORDS = (
    "title",
    "severity",
    "due",
    "decision",
    "applies",
    "let",
    "require",
    "met on",
    "cite",
    "explain",
    "remedy",
)


def _describe_terminal(name: str, parser_: Lark) -> str:
    if name in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[name]
    try:
        pattern = parser_.get_terminal(name).pattern
        value = pattern.value
        if pattern.type == "str":
            return f"'{value}'"
    except KeyError:
        pass
    return name.lower()


def _expected_words(expected: set[str], parser_: Lark) -> list[str]:
    words = sorted({_describe_terminal(t, parser_) for t in expected})
    return words


def _keywords(expected: set[str], parser_: Lark) -> list[str]:
    out = []
    for t in expected:
        try:
            pattern = parser_.get_terminal(t).pattern
        except KeyError:
            continue
        if pattern.type == "str" and re.fullmatch(r"[a-z_]+", pattern.value):
            out.append(pattern.value)
    return sorted(out)


def _join_words(words: list[str], limit: int = 8) -> str:
    if len(words) > limit:
        words = words[:limit] + ["…"]
    return ", ".join(words)


def _all_keywords(parser_: Lark) -> list[str]:
    out = set()
    for term in parser_.terminals:
        if term.pattern.type == "str" and re.fullmatch(r"[a-z_]+", term.pattern.value):
            out.add(term.pattern.value)
    return sorted(out)


def friendly_error(err: UnexpectedInput, source: Source, parser_: Lark) -> Diagnostic:
    """Map a Lark error to a located, worded diagnostic."""
    line = max(1, getattr(err, "line", 1) or 1)
    column = max(1, getattr(err, "column", 1) or 1)
    span = Span.point(line, column)
    expected: set[str] = set(getattr(err, "expected", None) or ())
    if isinstance(err, UnexpectedToken):
        expected = set(err.accepts or err.expected)
    words = _expected_words(expected, parser_)
    keywords = _keywords(expected, parser_)
    line_text = source.line_text(line)
    text_here = line_text[column - 1 :]
    at_end = isinstance(err, UnexpectedToken) and err.token.type == "$END"

    if not at_end:
        ch, two = text_here[:1], text_here[:2]
        if two in ("&&", "||"):
            word = "and" if two == "&&" else "or"
            return make_diagnostic(
                source,
                Span(line, column, line, column + 2),
                "unexpected_symbol",
                f"'{two}' is not an operator here",
                hint=f"write '{word}'",
            )
        if ch == "=" and two != "==" and "EQUAL" not in expected:
            return make_diagnostic(
                source,
                span,
                "unexpected_symbol",
                "a single '=' does not compare values",
                hint="write '==' to compare, '!=' for 'is not equal'",
            )
        if ch == "!" and two != "!=":
            return make_diagnostic(
                source,
                span,
                "unexpected_symbol",
                "'!' is not an operator here",
                hint="write 'not', or '!=' for 'is not equal'",
            )
        if ch == '"' and isinstance(err, UnexpectedCharacters):
            return make_diagnostic(
                source,
                Span(line, column, line, column + len(text_here)),
                "unterminated_string",
                "this string is not closed on its line",
                hint='end it with " on the same line; join long texts as "part one" "part two"',
            )
        if ch == "'":
            return make_diagnostic(
                source,
                span,
                "single_quotes",
                "strings are written in double quotes",
                hint="write \"text\", not 'text'",
            )
        m = re.match(r"\d{4}/\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}/\d{4}", text_here)
        if m:
            return make_diagnostic(
                source,
                Span(line, column, line, column + len(m.group())),
                "bad_date",
                f"'{m.group()}' is not a date in this language",
                hint="write dates as YYYY-MM-DD, e.g. 2023-04-01",
            )
        # The whole word around the error, even where the lexer split it ("rules" → "rule" "s").
        start = column - 1
        while 0 < start <= len(line_text) and re.match(r"[A-Za-z0-9_-]", line_text[start - 1]):
            start -= 1
        wm = re.match(r"[A-Za-z_][A-Za-z0-9_-]*", line_text[start:])
        if wm and (start < column - 1 or re.match(r"[A-Za-z_]", ch)):
            word = wm.group()
            if start < column - 1:
                keywords = _all_keywords(parser_)
            if "RULE_ID" in expected and re.fullmatch(
                r"[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)+", word
            ):
                return make_diagnostic(
                    source,
                    Span(line, start + 1, line, start + 1 + len(word)),
                    "bad_rule_id",
                    f"'{word}' is not a rule ID",
                    hint=f"rule IDs are upper case with a hyphen, like {word.upper()}",
                )
            return _unexpected_word(word, line, start + 1, source, keywords, words)
        if isinstance(err, UnexpectedCharacters):
            return make_diagnostic(
                source,
                span,
                "unexpected_character",
                f"unexpected character {ch!r}",
                hint=f"expected {_join_words(words)}" if words else None,
            )
        tok = err.token if isinstance(err, UnexpectedToken) else ""
        tok_span = Span(line, column, line, column + max(1, len(str(tok))))
        hint = f"expected {_join_words(words)}" if words else None
        if str(tok) == "}" and "RBRACE" not in expected:
            hint = "the clause before '}' is incomplete; " + (hint or "")
        return make_diagnostic(
            source, tok_span, "unexpected_token", f"unexpected {str(tok)!r}", hint=hint
        )

    # End of input.
    # Point just past the last thing written (trailing blank lines are not "where" it ended).
    last = max(1, source.text.count("\n") + 1)
    while last > 1 and not source.line_text(last).strip():
        last -= 1
    end_span = Span.point(last, max(1, len(source.line_text(last)) + 1))
    if "RBRACE" in expected:
        return make_diagnostic(
            source,
            end_span,
            "unexpected_end",
            "the file ends inside a rule",
            hint="close the rule with '}'",
        )
    return make_diagnostic(
        source,
        end_span,
        "unexpected_end",
        "the text ends too early",
        hint=f"expected {_join_words(words)}" if words else None,
    )


def _unexpected_word(
    word: str, line: int, column: int, source: Source, keywords: list[str], words: list[str]
) -> Diagnostic:
    span = Span(line, column, line, column + len(word))
    if words == ["'ruleset'"]:
        return make_diagnostic(
            source,
            span,
            "missing_header",
            "a rule file must start with its ruleset header",
            hint='begin the file with: ruleset "my-rules" version "1"',
        )
    close = difflib.get_close_matches(word, keywords, n=1, cutoff=0.6)
    if close:
        return make_diagnostic(
            source,
            span,
            "unknown_keyword",
            f"unexpected word '{word}'",
            hint=f"did you mean '{close[0]}'?",
        )
    if "title" in keywords and "require" in keywords:
        return make_diagnostic(
            source,
            span,
            "unknown_clause",
            f"'{word}' does not start a rule clause",
            hint="a rule clause starts with one of: " + ", ".join(_CLAUSE_WORDS),
        )
    if words == ["'ruleset'"]:
        return make_diagnostic(
            source,
            span,
            "missing_header",
            "a rule file must start with its ruleset header",
            hint='begin the file with: ruleset "my-rules" version "1"',
        )
    return make_diagnostic(
        source,
        span,
        "unexpected_word",
        f"unexpected word '{word}'",
        hint=f"expected {_join_words(words)}" if words else None,
    )
