"""``GET /`` and ``POST /``: the assessment page for people (server-rendered, no JavaScript)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated
from typing import Any

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from jinja2 import PackageLoader
from jinja2 import select_autoescape
from starlette.datastructures import UploadFile

from ...render import printable_data
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
    }


@router.get("/", response_class=HTMLResponse)
def index(
    service: Annotated[Service, Depends(get_service)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> HTMLResponse:
    """The empty form."""
    return _page(**_base(service, settings), form={"as_of": dt.date.today().isoformat()})


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
        async with request.form(max_files=1, max_fields=16) as form:
            pasted = form.get("declaration")
            upload = form.get("file")
            as_of = form.get("as_of")
            chosen = [str(v) for v in form.getlist("rulesets")]
            raw = b""
            source = "pasted declaration"
            if isinstance(upload, UploadFile) and upload.filename:
                raw = await upload.read()
                source = upload.filename
            if not raw.strip() and isinstance(pasted, str):
                raw = pasted.encode("utf-8")
                source = "pasted declaration"
        text = decode(raw)
        form_values = {
            "as_of": as_of if isinstance(as_of, str) and as_of else context["today"],
            "declaration": text,
            "chosen": chosen,
        }
        if not text.strip():
            raise ApiError(400, "empty_declaration", "paste a declaration or choose a file")
        date = query_date(form_values["as_of"])
        assert date is not None

        def work() -> dict[str, Any]:
            data, index = parse(raw, "yaml")  # YAML readers read JSON too
            checked = validate(data, index)
            if isinstance(checked, list):
                raise ApiError.from_issues(checked)
            return service.assess(checked, date, chosen or None)

        report = await run_in_threadpool(work)
    except ApiError as err:
        return _page(err.status, **context, form=form_values, error=err.body())
    report["declaration"]["source"] = source
    return _page(**context, form=form_values, report=printable_data(report))
