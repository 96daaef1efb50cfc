"""Loading declarations: YAML/JSON text to a validated model, with every problem located."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from govrules.declaration import MAX_DEPTH
from govrules.declaration import DeclarationLoader
from govrules.declaration import LocationIndex
from govrules.declaration import format_path
from govrules.declaration import load_declaration
from govrules.declaration import load_declaration_text
from govrules.declaration import parse_document
from govrules.declaration import validate_declaration
from govrules.errors import DeclarationError
from govrules.errors import DeclarationSyntaxError
from govrules.errors import InputIssue
from govrules.models import SPEC_EXAMPLE
from govrules.models import PlaceDeclaration
from govrules.yamlsafe import MAX_ALIAS_VALUES
from support import parse_work

SPEC_FILE = Path(__file__).parent.parent / "data" / "spec_example.yaml"
SPEC_TEXT = SPEC_FILE.read_text(encoding="utf-8")


def only_issue(error: pytest.ExceptionInfo[DeclarationError]) -> InputIssue:
    """The single issue of an error."""
    assert len(error.value.issues) == 1, error.value.render()
    return error.value.issues[0]


def line_of(text: str, fragment: str) -> int:
    """1-based line of the first line containing ``fragment``."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(fragment)


# --- the spec example ------------------------------------------------------------------------


def test_spec_example_file_validates() -> None:
    declaration = load_declaration(SPEC_FILE)
    assert declaration == PlaceDeclaration.model_validate(SPEC_EXAMPLE)
    assert declaration.accountable_persons[0].name == "Sam Patel"


def test_spec_example_as_json_validates(tmp_path: Path) -> None:
    path = tmp_path / "northshire.json"
    path.write_text(json.dumps(SPEC_EXAMPLE, indent=2), encoding="utf-8")
    assert load_declaration(path) == load_declaration(SPEC_FILE)


def test_spec_example_text_with_str_path(tmp_path: Path) -> None:
    path = tmp_path / "decl.yml"
    path.write_text(SPEC_TEXT, encoding="utf-8")
    assert load_declaration(str(path)).place.id == "northshire"


def test_parse_document_keeps_dates_as_text_and_locates_values() -> None:
    data, locations = parse_document(SPEC_TEXT, "spec.yaml")
    assert data == SPEC_EXAMPLE
    agreed = line_of(SPEC_TEXT, "agreed_by:                     #")
    assert locations.key_position(("accountable_persons", 0, "agreed_by")) == (agreed, 5)
    assert locations[("accountable_persons", 0, "agreed_by", 0)] == (agreed + 1, 9)
    assert locations[("place", "id")] == (line_of(SPEC_TEXT, "id: northshire"), 7)
    assert locations[()] == (1, 1)


def test_validate_declaration_accepts_parsed_json() -> None:
    data = json.loads(json.dumps(SPEC_EXAMPLE))
    assert validate_declaration(data, "request").place.name == "Northshire"


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + SPEC_TEXT.encode("utf-8"))
    assert load_declaration(path).place.id == "northshire"


# --- validation issues -----------------------------------------------------------------------


def test_unknown_key_with_did_you_mean() -> None:
    text = SPEC_TEXT.replace(
        "    agreed_by:                     #", "    agred_by:                     #"
    )
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text, "decl.yaml")
    issues = {issue.code: issue for issue in error.value.issues}
    extra = issues["extra_forbidden"]
    assert extra.path == "accountable_persons[0].agred_by"
    assert extra.message == "unknown field 'agred_by'; did you mean 'agreed_by'?"
    assert (extra.line, extra.column) == (line_of(text, "agred_by:"), 5)
    missing = issues["missing"]
    assert missing.path == "accountable_persons[0].agreed_by"
    assert missing.message == "required field is missing"
    assert missing.line == line_of(text, "- name: Sam Patel")
    assert not isinstance(error.value, DeclarationSyntaxError)


def test_unknown_key_without_close_match_lists_fields() -> None:
    text = SPEC_TEXT.replace("workforce:", "workforce:\n  zzz: 1", 1)
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.path == "workforce.zzz"
    assert "expected one of: place_workforce_plan, co_produced_with_social_care" in issue.message


def test_wrong_enum() -> None:
    text = SPEC_TEXT.replace("tier: upper", "tier: county")
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.path == "local_authorities[0].tier"
    assert issue.message == "expected one of 'upper', 'lower', 'unitary', got 'county'"
    assert issue.code == "literal_error"
    assert (issue.line, issue.column) == (line_of(text, "tier: county"), 11)


def test_bool_for_a_number() -> None:
    text = SPEC_TEXT.replace("places: 3 ", "places: yes ")
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert (issue.path, issue.code) == ("system.places", "int_type")
    assert issue.message == "expected a whole number, got true"


def test_string_for_a_number_in_json() -> None:
    data = json.loads(json.dumps(SPEC_EXAMPLE))
    data["place"]["population"] = "320000"
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(json.dumps(data, indent=1))
    issue = only_issue(error)
    assert issue.path == "place.population"
    assert issue.message == "expected a whole number, got '320000'"
    assert issue.line is not None


def test_impossible_date_is_a_validation_error() -> None:
    text = SPEC_TEXT.replace("declared_on: 2023-06-30", "declared_on: 2023-02-30")
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.path == "declared_on"
    assert "2023-02-30" in issue.message
    assert (issue.line, issue.column) == (2, 14)
    assert not isinstance(error.value, DeclarationSyntaxError)


def test_list_expected_names_the_items() -> None:
    text = SPEC_TEXT.replace("      - Northshire County Council\n    in_post", "    in_post", 1)
    text = text.replace(
        "    agreed_by:                     # organisations that formally agreed the appointment\n"
        "      - NHS Northshire and Coast Integrated Care Board\n",
        "    agreed_by: NHS Northshire and Coast Integrated Care Board\n",
    )
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.path == "accountable_persons[0].agreed_by"
    assert issue.message.startswith("expected a list of organisation names, got 'NHS")


def test_several_errors_reported_together_in_document_order() -> None:
    text = (
        SPEC_TEXT.replace("declared_on: 2023-06-30", "declared_on: 30/06/2023")
        .replace("  name: Northshire\n", "")
        .replace("places: 3 ", "places: 0 ")
        .replace("tier: upper", "tier: county")
        .replace("  place_workforce_plan: true", "  place_workforce_plan: maybe")
        .replace("    - year: 2022/23", "    - year: 2022/24")
    )
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text, "decl.yaml")
    paths = [issue.path for issue in error.value.issues]
    assert paths == [
        "declared_on",
        "place.name",
        "system.places",
        "local_authorities[0].tier",
        "finance.years[0].year",
        "workforce.place_workforce_plan",
    ]
    lines = [issue.line for issue in error.value.issues]
    assert all(line is not None for line in lines)
    assert lines == sorted(lines)  # type: ignore[type-var]
    rendered = str(error.value)
    assert rendered.startswith("6 problems in decl.yaml:\n")
    assert (
        "decl.yaml:2:14: declared_on: expected a date as YYYY-MM-DD, got '30/06/2023'" in rendered
    )


def test_errors_are_picklable() -> None:
    with pytest.raises(DeclarationError) as error:
        load_declaration_text("format: x\n")
    clone = pickle.loads(pickle.dumps(error.value))
    assert clone.issues == error.value.issues


def test_validate_declaration_without_locations() -> None:
    data = json.loads(json.dumps(SPEC_EXAMPLE))
    data["local_authorities"][0]["tier"] = "county"
    with pytest.raises(DeclarationError) as error:
        validate_declaration(data, "request")
    issue = only_issue(error)
    assert (issue.line, issue.column) == (None, None)
    assert issue.to_json() == {
        "path": "local_authorities[0].tier",
        "message": "expected one of 'upper', 'lower', 'unitary', got 'county'",
    }


@pytest.mark.parametrize("data", [None, [], [1], "text", 3])
def test_validate_declaration_needs_a_mapping(data: object) -> None:
    with pytest.raises(DeclarationError) as error:
        validate_declaration(data, "request")
    assert only_issue(error).code in ("empty_declaration", "top_level_not_mapping")


# --- syntax problems -------------------------------------------------------------------------


def test_yaml_syntax_error_has_line_and_column() -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text("format: govrules/place/v1\nplace: [1, 2\nsystem: 3\n", "d.yaml")
    issue = only_issue(error)
    assert issue.code == "yaml_syntax_error"
    assert issue.path == ""
    assert issue.line == 3
    assert issue.column is not None
    assert str(error.value).startswith("d.yaml:3:")


def alias_bomb(levels: int = 10) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines)


def test_alias_bomb_is_refused_where_it_passes_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The work is bounded by the events of the text, never by what the aliases stand for:
    # count the parser events read before the refusal.
    read = 0
    original = DeclarationLoader._next_event

    def counting(self: DeclarationLoader) -> object:
        nonlocal read
        read += 1
        return original(self)

    monkeypatch.setattr(DeclarationLoader, "_next_event", counting)
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(alias_bomb())
    issue = only_issue(error)
    assert issue.code == "yaml_alias_expansion"
    assert f"more than {MAX_ALIAS_VALUES:,} values" in issue.message
    # 9 + 81 + 729 + 6,561 values fit; the fifth line's aliases pass 10,000.
    assert (issue.line, issue.message.split("alias ")[1][:5]) == (5, "'*a3'")
    assert read < 5 * 12  # five short lines of events, then stop


def test_aliases_stand_for_their_anchors_value() -> None:
    text = SPEC_TEXT.replace("agreed_by:  ", "agreed_by: &agreed  ", 1)
    assert "&agreed" in text
    data, index = parse_document(text + "\nshared_plan_agreed: *agreed\n", "d.yaml")
    assert isinstance(data, dict)
    assert data["shared_plan_agreed"] == data["accountable_persons"][0]["agreed_by"]
    assert index[("shared_plan_agreed",)][1] == len("shared_plan_agreed: ") + 1


def test_a_declaration_written_with_aliases_by_pyyaml_validates() -> None:
    import yaml

    names = ["NHS Northshire and Coast Integrated Care Board", "Northshire County Council"]
    data = json.loads(json.dumps(SPEC_EXAMPLE, default=str))
    data["accountable_persons"][0]["agreed_by"] = names
    data["shared_plan"] = {"title": "Plan", "published_on": "2023-03-20", "agreed_by": names}
    text = yaml.safe_dump(data, sort_keys=False)
    assert "&id001" in text and "*id001" in text  # PyYAML shares the repeated list
    model = load_declaration_text(text, "tool.yaml")
    assert model.model_dump(mode="json", exclude_unset=True)["shared_plan"]["agreed_by"] == names


@pytest.mark.parametrize(
    ("text", "code", "words", "where"),
    [
        ("a: 1\nb: *x\n", "yaml_unknown_alias", "names no anchor before it", (2, 4)),
        ("a: &x [1, *x]\n", "yaml_alias_expansion", "inside the collection it names", (1, 11)),
        ("a: &m {x: 1}\n*m : 2\n", "yaml_complex_key", "keys must be plain text", (2, 1)),
    ],
)
def test_aliases_that_cannot_be_expanded(
    text: str, code: str, words: str, where: tuple[int, int]
) -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert (issue.code, issue.line, issue.column) == (code, *where)
    assert words in issue.message


def test_an_alias_may_not_nest_past_the_depth_limit() -> None:
    deep = "{a: " * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1)
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(f"x: &d {deep}\ny: {{z: *d}}\n")
    assert only_issue(error).code == "nesting_too_deep"


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (
            "format: x\nplace:\n\tid: x\n",
            (3, 1),
            "YAML does not allow tabs for indentation; use spaces",
        ),
        (
            "place:\n  id: x\n  \tname: y\n",
            (3, 3),
            "YAML does not allow tabs for indentation; use spaces",
        ),
        (
            "place:\n  id: x\n   name: y\n",
            (3, 4),
            "the indentation of line 3 is off: it is indented by 3 spaces, more than line 2 (2)",
        ),
        ("a: 1\n  b: 2\n", (2, 3), "the indentation of line 2 is off"),
        (
            "place:\n  id: x\n name: y\n",
            (3, 2),
            "indented by 1 space, which lines up with no block above it "
            "(those are indented by 0 or 2)",
        ),
        ("a:\n  - name: x\n     kind: y\n", (3, 6), "more than line 2 (4)"),
        (
            "a:\n  - x\n  - y\n  z: 1\n",
            (4, 3),
            "line 4 is inside the list that starts at line 2 but is not an item",
        ),
        ("title: Plan: 2023\n", (1, 12), "a value that contains ': ' must be put in quotes"),
    ],
)
def test_yaml_slips_are_explained_in_plain_words(
    text: str, where: tuple[int, int], words: str
) -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text, "d.yaml")
    issue = only_issue(error)
    assert (issue.line, issue.column, issue.code) == (*where, "yaml_syntax_error")
    assert words in issue.message
    assert "not allowed here" not in issue.message and "context" not in issue.message


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("[" * 10_000 + "]" * 10_000, "yaml"),
        ("a: " + "{b: " * 10_000 + "1" + "}" * 10_000, "yaml"),
        ("".join(" " * i + "-\n" for i in range(200)), "yaml"),
        ("[" * 10_000 + "]" * 10_000, "json"),
        ('{"a": ' * 10_000 + "1" + "}" * 10_000, "json"),
        ('{"a": "[[[[", "b": ' + "[" * 100_000 + "]" * 100_000 + "}", "auto"),
    ],
)
def test_deep_nesting_refused_quickly(text: str, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with parse_work(monkeypatch) as work, pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text, fmt=fmt)  # type: ignore[arg-type]
    # Refused once the limit is reached: the parsing done is bounded by MAX_DEPTH, not by the
    # thousands of levels in the text, and JSON never reaches the recursive json.loads.
    assert work.yaml_events <= 2 * MAX_DEPTH + 4
    assert work.json_parses == 0
    issue = only_issue(error)
    assert issue.code == "nesting_too_deep"
    assert f"more than {MAX_DEPTH} levels" in issue.message
    assert issue.line is not None


def test_nesting_at_the_limit_is_only_a_validation_problem() -> None:
    text = "a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    assert not isinstance(error.value, DeclarationSyntaxError)


def test_json_brackets_inside_strings_do_not_count() -> None:
    data, _ = parse_document(json.dumps({"a": "[" * 1000, "b": '\\"{{{'}), fmt="json")
    assert data == {"a": "[" * 1000, "b": '\\"{{{'}


def test_duplicate_yaml_keys() -> None:
    text = "format: govrules/place/v1\nplace:\n  id: a\n  name: A\n  id: b\n"
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.code == "duplicate_key"
    assert issue.path == "place.id"
    assert (issue.line, issue.column) == (5, 3)
    assert "duplicate key 'id'" in issue.message
    assert "line 3, column 3" in issue.message


def test_duplicate_json_keys() -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text('{"format": "x",\n "format": "y"}')
    issue = only_issue(error)
    assert (issue.code, issue.path, issue.line, issue.column) == ("duplicate_key", "format", 2, 2)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_non_finite_numbers_refused(constant: str) -> None:
    text = json.dumps(SPEC_EXAMPLE, indent=2).replace('"pooled": 52000000', f'"pooled": {constant}')
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.code == "json_syntax_error"
    assert constant in issue.message
    assert issue.line == line_of(text, constant)


def test_json_overflowing_float_is_a_validation_error() -> None:
    text = json.dumps(SPEC_EXAMPLE).replace('"pooled": 52000000', '"pooled": 1e999')
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert (issue.path, issue.code) == ("finance.years[0].pooled", "finite_number")


def test_json_syntax_error_has_line_and_column() -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text('{\n  "format": "govrules/place/v1",\n  "place": }\n')
    issue = only_issue(error)
    assert (issue.code, issue.line, issue.column) == ("json_syntax_error", 3, 12)


def test_json_huge_integer() -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text('{"a": ' + "9" * 5000 + "}")
    assert (only_issue(error).code, only_issue(error).column) == ("json_syntax_error", 7)


def test_yaml_huge_integer() -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text("a: " + "9" * 5000)
    assert only_issue(error).code == "yaml_bad_scalar"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: 1\n---\nb: 2\n", "yaml_multiple_documents"),
        ("a: !!binary aGk=\n", "yaml_unsupported_tag"),
        ("a: !custom x\n", "yaml_unsupported_tag"),
        ("a: !!set {x}\n", "yaml_unsupported_tag"),
        ("? [a]\n: 1\n", "yaml_complex_key"),
        ("x: !!int abc\n", "yaml_bad_scalar"),
        ("a: b\x00\n", "yaml_syntax_error"),
        ("\ud800: x\n", "yaml_syntax_error"),
    ],
)
def test_other_yaml_refusals(text: str, code: str) -> None:
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration_text(text)
    assert only_issue(error).code == code


def test_yaml_scalars_resolve_like_yaml_but_timestamps_stay_text() -> None:
    data, _ = parse_document(
        "a: 1\nb: 1.5\nc: true\nd: ~\ne: 2023-04-01\nf: '7'\ng: !!str 8\nh: 0x10\ni: !!float 2\n"
    )
    assert data == {
        "a": 1,
        "b": 1.5,
        "c": True,
        "d": None,
        "e": "2023-04-01",
        "f": "7",
        "g": "8",
        "h": 16,
        "i": 2.0,
    }


# --- empty, wrong shape, files ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n", "---\n", "~\n", "null"])
def test_empty_document(text: str) -> None:
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.code == "empty_declaration"
    assert issue.message == "the declaration is empty"


@pytest.mark.parametrize("text", ["- a\n- b\n", "[1, 2]", "just text", "42"])
def test_top_level_not_a_mapping(text: str) -> None:
    with pytest.raises(DeclarationError) as error:
        load_declaration_text(text)
    issue = only_issue(error)
    assert issue.code == "top_level_not_mapping"
    assert issue.message.startswith("expected a mapping of fields at the top level, got ")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    with pytest.raises(DeclarationError) as error:
        load_declaration(path)
    assert only_issue(error).code == "empty_declaration"
    assert str(error.value) == f"{path}: the declaration is empty"


def test_top_level_list_file(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(DeclarationError) as error:
        load_declaration(path)
    assert only_issue(error).code == "top_level_not_mapping"


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(DeclarationError) as error:
        load_declaration(path)
    issue = only_issue(error)
    assert issue.code == "file_unreadable"
    assert "cannot read the file" in issue.message
    assert error.value.source_name == str(path)


def test_directory_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError) as error:
        load_declaration(tmp_path)
    assert only_issue(error).code == "file_unreadable"


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: x\nplace:\n  name: Caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DeclarationError) as error:
        load_declaration(path)
    issue = only_issue(error)
    assert issue.code == "not_utf8"
    assert "not UTF-8" in issue.message
    assert (issue.line, issue.column) == (3, 12)


def test_json_suffix_forces_json(tmp_path: Path) -> None:
    path = tmp_path / "d.json"
    path.write_text("format: govrules/place/v1\n", encoding="utf-8")
    with pytest.raises(DeclarationSyntaxError) as error:
        load_declaration(path)
    assert only_issue(error).code == "json_syntax_error"


def test_explicit_format_overrides_sniffing() -> None:
    with pytest.raises(DeclarationError) as error:
        load_declaration_text("{format: govrules/place/v1}", fmt="yaml")
    assert not isinstance(error.value, DeclarationSyntaxError)
    with pytest.raises(DeclarationSyntaxError):
        load_declaration_text("{format: govrules/place/v1}")


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("accountable_persons", 0, "agreed_by"), "accountable_persons[0].agreed_by"),
        (("finance", "years", 1, "year"), "finance.years[1].year"),
        ((0, "a"), "[0].a"),
        (("a", "b c"), 'a["b c"]'),
        (("a.b",), '["a.b"]'),
        ((), ""),
    ],
)
def test_format_path(loc: tuple[str | int, ...], text: str) -> None:
    assert format_path(loc) == text


def test_location_index_nearest() -> None:
    index = LocationIndex({(): (1, 1), ("a",): (2, 4)}, {("a",): (2, 1)})
    assert index.nearest(("a", 3, "b")) == (2, 4)
    assert index.nearest(("z",)) == (1, 1)
    assert index.key_position(("a",)) == (2, 1)
    assert index.key_position(("z",)) is None
    assert len(index) == 2
    assert dict(index) == {(): (1, 1), ("a",): (2, 4)}


# --- anything at all -------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="{}[]:,-&*!? \n\t\"'#|>0123456789abcNaInfy.~%@`\\"),
    ),
    st.sampled_from(["auto", "yaml", "json"]),
)
@example(SPEC_TEXT, "auto")
@example("a: &a [1]\nb: *a", "yaml")
@example('{"a": NaN}', "json")
@example("[" * 5000, "auto")
def test_any_text_loads_or_raises_declaration_error(text: str, fmt: str) -> None:
    try:
        result = load_declaration_text(text, fmt=fmt)  # type: ignore[arg-type]
    except DeclarationError as error:
        assert error.issues
        assert str(error)
    else:
        assert isinstance(result, PlaceDeclaration)


@settings(max_examples=100, deadline=None)
@given(raw=st.one_of(st.binary(), st.text().map(lambda t: t.encode("utf-8", "surrogatepass"))))
@example(raw=b"\xff\xfe")
@example(raw=b"a: \xed\xa0\x80")
def test_any_file_loads_or_raises_declaration_error(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "decl.yaml"
    path.write_bytes(raw)
    try:
        load_declaration(path)
    except DeclarationError as error:
        assert error.issues
