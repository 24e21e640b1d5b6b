"""Construction of `CheckResult`s with the bilingual sentence in one place."""

from __future__ import annotations

from typing import Any

from attest.schemas.checks import CheckResult, Ref, Severity


def result(code: str, severity: Severity, zh: str, en: str, *, doc: str, fields: list[str],
           **details: Any) -> CheckResult:
    return result_refs(code, severity, zh, en, [Ref(document=doc, field=f) for f in fields], **details)


def result_refs(code: str, severity: Severity, zh: str, en: str, refs: list[Ref], **details: Any) -> CheckResult:
    """A check whose refs span several documents (application-level checks)."""
    return CheckResult(code=code, severity=severity, message=f"{zh} / {en}", refs=refs,
                       details={k: str(v) if v is not None else None for k, v in details.items()})
