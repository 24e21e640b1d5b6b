"""The base of the models that validate knowledge files (`patterns.yaml`, `application.yaml`): unknown keys are
refused (a misspelt threshold would otherwise be ignored and its default silently kept) and values are frozen."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from attest.data import load


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


S = TypeVar("S", bound=Spec)


def problems(exc: ValidationError) -> str:
    """Each wrong key as `dotted.path: what is wrong`, joined: how a refused knowledge file or policy is told."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors())


def validated(name: str, model: type[S]) -> S:
    """`attest/data/{name}.yaml` checked against `model`; a `ValidationError` names the offending field."""
    return model.model_validate(load(name))
