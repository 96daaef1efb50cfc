"""The assessment page for people: server-rendered HTML and forms, no JavaScript.

- ``GET /`` shows the form; ``GET /?example=northshire`` fills it with a bundled example.
- ``POST /`` checks the pasted or uploaded declaration and shows the report under the form.
- ``POST /report.json`` and ``POST /report.html`` check the same form fields and answer with the
  report as a file to keep or share (the ``govrules/report/v1`` JSON, or the standalone HTML
  report of ``govrules check --format html``).

The page carries no script, so its Content-Security-Policy can forbid every script
(:data:`~govrules.api.guard.PAGE_POLICY`): folding is ``<details>``, downloads are form posts.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from dataclasses import replace
from functools import lru_cache
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Query
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.responses import Response
from jinja2 import Environment
from jinja2 import PackageLoader
from jinja2 import select_autoescape
from starlette.datastructures import UploadFile

from ...loading import DECLARATION_SUFFIXES
from ...loading import bundled_examples_dir
from ...render import printable
from ...render import printable_data
from ...render import to_html
from ...report import Report
from ..body import decode
from ..body import parse
from ..body import query_date
from ..body import validate
from ..dependencies import get_service
from ..dependencies import get_settings
from ..problems import ApiError
from ..service import Service
from ..settings import Settings

router = APIRouter(include_in_schema=False)

#: The example the page offers to start from.
EXAMPLE = "northshire"
#: Statuses in the order the page shows them: what needs action first.
STATUS_ORDER = ("fail", "not_yet_due", "pass", "not_applicable")
TIERS = (
    ("must", "Expectations (must)", "These decide compliance."),
    ("should", "Good practice (should, advisory)", "Advice only: these never decide compliance."),
)
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9_.-]+")
_MAX_SOURCE_CHARS = 200


@lru_cache(maxsize=1)
def templates() -> Environment:
    """The Jinja2 environment over ``govrules/templates`` (autoescaped)."""
    return Environment(
        loader=PackageLoader("govrules", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _page(status: int = 200, **context: Any) -> HTMLResponse:
    html = templates().get_template("index.html").render(**context)
    return HTMLResponse(html, status_code=status)


def _base(service: Service, settings: Settings) -> dict[str, Any]:
    return {
        "rulesets": service.rulesets(),
        "max_kib": settings.max_body_bytes // 1024,
        "today": dt.date.today().isoformat(),
        "engine": service.engine.name,
        "example": EXAMPLE,
        "status_order": STATUS_ORDER,
        "tiers": TIERS,
    }


def example_text(name: str) -> str | None:
    """The text of the bundled example declaration ``name`` (``northshire``), if there is one."""
    folder = bundled_examples_dir()
    for suffix in DECLARATION_SUFFIXES:
        path = folder / f"{name}{suffix}"
        if re.fullmatch(r"[a-z0-9-]+", name) and path.is_file():
            return path.read_text(encoding="utf-8")
    return None


@router.get("/", response_class=HTMLResponse)
def index(
    service: Annotated[Service, Depends(get_service)],
    settings: Annotated[Settings, Depends(get_settings)],
    example: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    """The empty form, or the form filled with a bundled example (``?example=northshire``)."""
    form: dict[str, Any] = {"as_of": dt.date.today().isoformat()}
    if example is not None:
        text = example_text(example)
        if text is None:
            raise ApiError(404, "unknown_example", f"there is no bundled example {example!r}")
        form |= {"declaration": text, "source": f"{example}.yaml"}
    return _page(**_base(service, settings), form=form)


@dataclass(frozen=True, slots=True)
class _Submitted:
    """What the form sent: the declaration's bytes and name, the date, the chosen rulesets."""

    raw: bytes
    source: str
    as_of: str
    chosen: list[str]

    def form_values(self) -> dict[str, Any]:
        """The values to show in the form again (the declaration as text)."""
        try:
            text = decode(self.raw)
        except ApiError:
            text = ""
        return {
            "declaration": text,
            "source": self.source,
            "as_of": self.as_of,
            "chosen": self.chosen,
        }


async def _read_form(request: Request, today: str) -> _Submitted:
    async with request.form(max_files=1, max_fields=16) as form:
        pasted = form.get("declaration")
        upload = form.get("file")
        as_of = form.get("as_of")
        named = form.get("source")
        chosen = [str(v) for v in form.getlist("rulesets")]
        raw = b""
        source = "pasted declaration"
        if isinstance(named, str) and named.strip():
            source = printable(named.strip())[:_MAX_SOURCE_CHARS]
        if isinstance(upload, UploadFile) and upload.filename:
            raw = await upload.read()
            source = printable(upload.filename)[:_MAX_SOURCE_CHARS]
        if not raw.strip() and isinstance(pasted, str):
            raw = pasted.encode("utf-8")
    return _Submitted(raw, source, as_of if isinstance(as_of, str) and as_of else today, chosen)


async def _assess(submitted: _Submitted, service: Service) -> Report:
    """The report of a submitted declaration; ApiError for anything the user must fix."""
    text = decode(submitted.raw)
    if not text.strip():
        raise ApiError(400, "empty_declaration", "paste a declaration or choose a file")
    date = query_date(submitted.as_of)
    assert date is not None

    def work() -> Report:
        data, index = parse(submitted.raw, "yaml")  # YAML readers read JSON too
        checked = validate(data, index)
        if isinstance(checked, list):
            raise ApiError.from_issues(checked)
        report = service.engine_for(submitted.chosen or None).evaluate(checked, date)
        return replace(report, source=submitted.source)

    return await run_in_threadpool(work)


def _view(report: Report) -> dict[str, Any]:
    """The report as the page shows it: its JSON, plus the counts the headline needs."""
    data: dict[str, Any] = printable_data(report.to_json())
    by = data["by_severity"]
    data["must_failures"] = by["must"]["fail"]
    data["should_failures"] = by.get("should", {}).get("fail", 0)
    data["failing_must"] = [
        f for f in data["findings"] if f["severity"] == "must" and f["status"] == "fail"
    ]
    return data


@router.post("/", response_class=HTMLResponse)
async def assess_form(
    request: Request,
    service: Annotated[Service, Depends(get_service)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> HTMLResponse:
    """Check the pasted or uploaded declaration and show the report under the form."""
    context = _base(service, settings)
    form_values: dict[str, Any] = {"as_of": context["today"], "declaration": "", "chosen": []}
    try:
        submitted = await _read_form(request, context["today"])
        form_values = submitted.form_values()
        report = await _assess(submitted, service)
    except ApiError as err:
        return _page(err.status, **context, form=form_values, error=err.body())
    return _page(**context, form=form_values, report=_view(report))


def _filename(report: Report, suffix: str) -> str:
    """``northshire-2023-09-30.json``: the place and date, in characters any disk accepts."""
    stem = _SAFE_FILENAME.sub("-", report.place).strip("-.") or "declaration"
    return f"{stem[:64]}-{report.as_of.isoformat()}.{suffix}"


async def _download(
    request: Request, service: Service, settings: Settings, suffix: str
) -> Response:
    context = _base(service, settings)
    form_values: dict[str, Any] = {"as_of": context["today"], "declaration": "", "chosen": []}
    try:
        submitted = await _read_form(request, context["today"])
        form_values = submitted.form_values()
        report = await _assess(submitted, service)
    except ApiError as err:
        return _page(err.status, **context, form=form_values, error=err.body())
    if suffix == "json":
        body = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
        media = "application/json"
    else:
        body = to_html([report])
        media = "text/html; charset=utf-8"
    disposition = f'attachment; filename="{_filename(report, suffix)}"'
    return Response(body, media_type=media, headers={"content-disposition": disposition})


@router.post("/report.json")
async def download_json(
    request: Request,
    service: Annotated[Service, Depends(get_service)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """The report of the submitted declaration as a ``govrules/report/v1`` JSON file."""
    return await _download(request, service, settings, "json")


@router.post("/report.html")
async def download_html(
    request: Request,
    service: Annotated[Service, Depends(get_service)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    """The report of the submitted declaration as a standalone HTML file."""
    return await _download(request, service, settings, "html")
