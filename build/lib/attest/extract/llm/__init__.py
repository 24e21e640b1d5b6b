"""LLM and vision-LLM extractors over an OpenAI-compatible endpoint. A model's value is evidence only where the
document's own OCR lines back it (`grounding.py`); the model never decides credit."""

from attest.extract.llm.client import LlmClient, build_client
from attest.extract.llm.stage import llm_stage

__all__ = ["LlmClient", "build_client", "llm_stage"]
