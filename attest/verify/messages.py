"""Construction of `CheckResult`s with the bilingual sentence in one place."""

from __future__ import annotations

from typing import Any

from attest.schemas.checks import CheckResult, Ref, Severity


def result(code: str, severity: Severity, zh: str, en: str, *, doc: str, fields: list[str],
           **details: Any) -> CheckResult:
    return CheckResult(
        code=code,
        severity=severity,
        message=f"{zh} / {en}",
        refs=[Ref(document=doc, field=f) for f in fields],
        details={k: str(v) if v is not None else None for k, v in details.items()},
    )
