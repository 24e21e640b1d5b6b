"""RFC 9457 problem details: every error leaves the API as application/problem+json with a stable `type`."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from attest.errors import AttestError, InputError, NotFound, StateRefused, TooManyDocuments

BASE = "https://attest.dev/problems/"


class Problem(Exception):
    def __init__(self, status: int, type_: str, title: str, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or title)
        self.status, self.type, self.title, self.detail, self.extra = status, type_, title, detail, extra


def problem_response(status: int, type_: str, title: str, detail: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": BASE + type_, "title": title, "status": status, **({"detail": detail} if detail else {}), **extra}
    headers = dict(headers or {})
    if "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers or None)


async def on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc.status, exc.type, exc.title, exc.detail, **exc.extra)


async def on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()]
    return problem_response(422, "validation", "The request is not valid", errors=errors)


async def on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kinds = {400: "malformed-body", 404: "not-found", 405: "method-not-allowed", 401: "unauthorized",
             403: "forbidden"}
    # Starlette's own headers are kept: a 405 names the allowed methods in `Allow` (RFC 9110).
    return problem_response(exc.status_code, kinds.get(exc.status_code, f"http-{exc.status_code}"),
                            str(exc.detail), headers=dict(exc.headers or {}))


_TOO_LARGE = ("input.too_large", "input.image_too_large", "input.too_many_pages", "input.archive.too_large",
              "input.archive.too_many_entries", "input.table.too_large")


def status_of(exc: AttestError) -> int:
    """The one mapping from a domain error to its HTTP status: too large 413, not a type we read 415, other bad
    input 422, absent 404, not in a state for it 409, an engine or store that failed 503."""
    if isinstance(exc, NotFound):
        return 404
    if exc.code in _TOO_LARGE or isinstance(exc, TooManyDocuments):
        return 413
    if isinstance(exc, StateRefused):
        return 409
    if exc.code == "input.unsupported_media_type":
        return 415
    return 422 if isinstance(exc, InputError) else 503


def problem_of(exc: AttestError, about: str | None = None) -> Problem:
    """The problem an `AttestError` is answered with (`about`: the file it concerns, named first)."""
    type_ = exc.problem if isinstance(exc, StateRefused) else exc.code.replace(".", "-")
    return Problem(status_of(exc), type_, f"{about}: {exc}" if about else str(exc))


async def on_attest(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AttestError)
    return await on_problem(_, problem_of(exc))


HANDLERS = {Problem: on_problem, RequestValidationError: on_validation, StarletteHTTPException: on_http,
            AttestError: on_attest}


# One schema for every error body, so a generated client has one `Problem` type rather than one per operation
# and status. `attest.api.openapi.finish` adds it to the document FastAPI builds.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem", "type": "object", "required": ["type", "title", "status"],
    "description": "RFC 9457 problem details; `type` is stable, `title` and `detail` are for people.",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}}, "additionalProperties": True}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


# Answers every route can give, documented once (RFC 9457 bodies).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("The body could not be parsed (not JSON, or broken multipart)"),
    401: _problem("No API key, or an unknown or revoked one"),
    403: _problem("The key's role may not do this"),
    404: _problem("No such resource in the caller's tenant (another tenant's ids read as absent)"),
    409: _problem("The resource is not in a state that allows this"),
    413: _problem("Over a size or count limit"),
    415: _problem("Not an image, PDF or OFD"),
    422: _problem("The request is not valid"),
    429: _problem("Rate limit reached; see Retry-After"),
}
