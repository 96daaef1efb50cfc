"""The register routes' OpenAPI descriptions: examples of their answers and request bodies,
and the security and error entries they share."""

from __future__ import annotations

from typing import Any

from ...models import SPEC_EXAMPLE

ENTRY = {
    "place": "northshire",
    "name": "Northshire",
    "system": "northshire-and-coast-ics",
    "version": 2,
    "compliant": True,
    "assessed_at": "2023-10-02T09:14:03.120512+00:00",
}
COUNTS = {"pass": 20, "fail": 0, "not_yet_due": 3, "not_applicable": 6}
HISTORY = {
    "version": 2,
    "submitted_at": "2023-10-02T09:14:03.120512+00:00",
    "compliant": True,
    "by_severity": {"must": COUNTS, "should": COUNTS},
}


def example(value: Any, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"example": value}}}


SUBMIT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "As `POST /v1/assessments`: JSON `{declaration, as_of?, rulesets?}`, or "
        "the YAML declaration itself. Its `place.id` must be the place in the path.",
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/AssessmentRequest"},
                "examples": {
                    "northshire": {
                        "summary": "The example declaration of declaration.md",
                        "value": {"declaration": SPEC_EXAMPLE, "as_of": "2023-06-30"},
                    }
                },
            },
            "application/yaml": {
                "schema": {"$ref": "#/components/schemas/PlaceDeclaration"},
                "examples": {"northshire": {"summary": "As YAML", "value": SPEC_EXAMPLE}},
            },
        },
    }
}
UNAUTHORISED: dict[int | str, dict[str, Any]] = {
    401: example(
        {"code": "unauthorized", "message": "this register needs a bearer token", "errors": []},
        "No token, or not a valid one (once any token exists).",
    )
}
# Lists need only a reader's token (every token is one) and show a system-limited token its own
# system's entries; the other routes can also refuse a token.
AUTH: dict[int | str, dict[str, Any]] = {
    **UNAUTHORISED,
    403: example(
        {"code": "forbidden", "message": "the token 'board' has the role reader", "errors": []},
        "The token lacks the role, or is limited to another system.",
    ),
}


# Bearer tokens are needed once any token exists; before that the register is open. OpenAPI
# says so with an empty alternative: FastAPI appends it to the bearer requirement it derives
# from the dependency, giving "a bearer token, or nothing".
SECURITY: dict[str, Any] = {"security": [{}]}


def not_found_doc(what: str) -> dict[int | str, dict[str, Any]]:
    return {
        404: example(
            {"code": "not_found", "message": f"no {what} … is in the register", "errors": []},
            f"No such {what} in the register.",
        )
    }
