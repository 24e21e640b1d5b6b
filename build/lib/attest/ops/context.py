"""What a log line is about: the request, application and job being handled, carried in context variables
(per thread and per asyncio task), so every line written on their behalf names them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

FIELDS = ("request_id", "application_id", "job_id", "job_kind", "target_id")
_vars: dict[str, ContextVar[str | None]] = {name: ContextVar(name, default=None) for name in FIELDS}


def current() -> dict[str, str]:
    return {name: value for name, var in _vars.items() if (value := var.get()) is not None}


def bind(**values: str | None) -> None:
    for name, value in values.items():
        _vars[name].set(value)


@contextmanager
def bound(**values: str | None) -> Iterator[None]:
    tokens = [(name, _vars[name].set(value)) for name, value in values.items()]
    try:
        yield
    finally:
        for name, token in reversed(tokens):
            _vars[name].reset(token)
