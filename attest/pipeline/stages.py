"""One run of `process_document`: every stage timed, and a stage's failure recorded as a `StageError` while the
run goes on (the document is then `partial`, never reported as a success)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from attest.errors import AttestError
from attest.schemas.document import StageError

T = TypeVar("T")


@dataclass
class StageRun:
    timings: dict[str, float] = field(default_factory=dict)
    errors: list[StageError] = field(default_factory=list)

    def stage(self, name: str, fn: Callable[[], T], default: T) -> T:
        """Run one stage, timing it; an engine or parsing failure is recorded and the run goes on."""
        started = time.perf_counter()
        try:
            return fn()
        except AttestError as exc:
            self.errors.append(StageError(stage=name, code=exc.code, message=str(exc)))
        except (ValueError, ArithmeticError, KeyError, IndexError) as exc:
            self.errors.append(StageError(stage=name, code="stage.failed", message=f"{type(exc).__name__}: {exc}"))
        finally:
            self.add_time(name, started)
        return default

    def add_time(self, name: str, started: float) -> None:
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - started, 4)
