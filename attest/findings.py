"""Construction of `CheckResult`s with the bilingual sentence in one place, each code looked up in the catalogue of
checks (`attest/data/checks.yaml`): a code that is not there is a programming error, refused where it is made."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import Field

from attest.data.spec import Spec, validated
from attest.schemas.checks import CheckResult, Ref, Severity


class CheckEntry(Spec):
    severity: Literal["info", "warn", "fail"]  # what it raises
    cases: dict[str, Literal["info", "warn"]] = Field(default_factory=dict)  # milder cases of the same finding
    field: str
    zh: str
    en: str

    def severity_of(self, case: str) -> Severity:
        if case == "pass":
            return "pass"
        if case == "raised":
            return self.severity
        return self.cases[case]


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


def result(code: str, case: str, zh: str, en: str, *, doc: str, fields: list[str],
           **details: Any) -> CheckResult:
    """A check on one document; `case` is `pass`, `raised` or one of the code's named cases in the catalogue."""
    return result_refs(code, case, zh, en, [Ref(document=doc, field=f) for f in fields], **details)


def result_refs(code: str, case: str, zh: str, en: str, refs: list[Ref], **details: Any) -> CheckResult:
    """A check whose refs span several documents (application-level checks)."""
    entry = catalogue().get(code)
    if entry is None:
        raise ValueError(f"check code {code!r} is not in attest/data/checks.yaml")
    if case not in ("pass", "raised", *entry.cases):
        raise ValueError(f"check code {code!r} has no case {case!r} in attest/data/checks.yaml")
    return CheckResult(code=code, severity=entry.severity_of(case), message=f"{zh} / {en}", refs=refs,
                       details={k: str(v) if v is not None else None for k, v in details.items()})
