"""Engines built from settings, once per process, by whichever shell runs (CLI, service, evaluation)."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from attest.data.spec import problems
from attest.errors import EngineUnavailable, KnowledgeError
from attest.extract.llm import LlmClient, build_client
from attest.pipeline import Engines
from attest.settings import LlmSettings, OcrSettings, Settings


def llm_for(settings: LlmSettings) -> LlmClient | None:
    """The model client the configured extractor needs: None for `rules`; an error if `llm`/`merged` has none."""
    if settings.extractor == "rules":
        return None
    client = build_client(settings)  # raises for a remote endpoint without the opt-in
    if client is None:
        raise EngineUnavailable(f"ATTEST_LLM__EXTRACTOR={settings.extractor} needs ATTEST_LLM__BASE_URL and "
                                "ATTEST_LLM__MODEL (see README, 'LLM extractors')")
    return client


def _checked(name: str, load: Callable[[], object]) -> None:
    """Load one knowledge file through its model; `KnowledgeError` names the file and each key that is wrong."""
    try:
        load()
    except ValidationError as exc:
        raise KnowledgeError(f"attest/data/{name}.yaml: {problems(exc)}") from exc
    except ValueError as exc:
        raise KnowledgeError(f"attest/data/{name}.yaml: {exc}") from exc


def load_knowledge() -> None:
    """Load and validate every knowledge file, so a bad one stops the process at start, naming the file and the
    key, instead of failing a stage on every document."""
    from attest.data import load
    from attest.data.models import MODELS
    from attest.findings import catalogue
    from attest.kinds import kinds
    from attest.patterns.spec import patterns_spec
    from attest.score.policy import load_policy, shipped_policies
    from attest.score.spec import score_spec
    from attest.verify.application_spec import application_spec

    for name, read in (("kinds", kinds), ("checks", catalogue), ("patterns", patterns_spec),
                       ("application", application_spec), ("score", score_spec)):
        _checked(name, read)
    for name, model in MODELS.items():
        _checked(name, lambda name=name, model=model: model.model_validate(load(name)))  # type: ignore[misc]
    for version in shipped_policies():
        load_policy(version)  # a PolicyError names the file and the field


def build_engines(settings: Settings, *, ocr: OcrSettings | None = None) -> Engines:
    """OCR (with `ocr` overriding the settings' group) and, when the extractor needs one, the model client."""
    from attest.ocr import create_ocr_engine  # loads the ONNX models: only when a shell really builds engines

    load_knowledge()

    return Engines(ocr=create_ocr_engine(ocr or settings.ocr), llm=llm_for(settings.llm))
