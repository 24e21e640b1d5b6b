"""Construction of `CheckResult`s with the bilingual sentence in one place, each code looked up in the catalogue of
checks (`attest/data/checks.yaml`): a code that is not there is a programming error, refused where it is made."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from attest.data.spec import Spec, validated
from attest.schemas.checks import CheckResult, Ref, Severity


class CheckEntry(Spec):
    severity: Literal["info", "warn", "fail"]  # the worst it raises
    field: str
    zh: str
    en: str


class Catalogue(Spec):
    version: int
    checks: dict[str, CheckEntry]


@cache
def catalogue() -> dict[str, CheckEntry]:
    """Every check code with its severity, field and sentences."""
    return validated("checks", Catalogue).checks


def unknown_codes(codes: list[str]) -> list[str]:
    """The codes among `codes` that no check raises."""
    return [c for c in codes if c not in catalogue()]


def result(code: str, severity: Severity, zh: str, en: str, *, doc: str, fields: list[str],
           **details: Any) -> CheckResult:
    return result_refs(code, severity, zh, en, [Ref(document=doc, field=f) for f in fields], **details)


def result_refs(code: str, severity: Severity, zh: str, en: str, refs: list[Ref], **details: Any) -> CheckResult:
    """A check whose refs span several documents (application-level checks)."""
    if code not in catalogue():
        raise ValueError(f"check code {code!r} is not in attest/data/checks.yaml")
    return CheckResult(code=code, severity=severity, message=f"{zh} / {en}", refs=refs,
                       details={k: str(v) if v is not None else None for k, v in details.items()})
