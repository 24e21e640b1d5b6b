"""The chat model, built from settings, and the one function that asks it for a structured answer."""

from __future__ import annotations

import base64
import ipaddress
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import openai
from langchain_core.exceptions import ModelRefusalError, OutputParserException
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI
from pydantic import BaseModel, SecretStr, ValidationError

from attest.errors import EngineUnavailable, LlmError
from attest.extract.llm.prompts import Rendered
from attest.schemas.llm import LlmCall
from attest.settings import LlmSettings


def is_local(url: str) -> bool:
    """Loopback, private-network and link-local addresses, and `localhost`: documents stay on premises."""
    host = urlparse(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: it may resolve anywhere, so it counts as remote
    return ip.is_loopback or ip.is_private or ip.is_link_local


@dataclass
class LlmClient:
    """A chat model plus the bounds on using it; safe to share between threads."""

    chat: BaseChatModel
    vision_chat: BaseChatModel  # the same object as `chat` unless a separate vision model is configured
    model: str
    vision_model: str
    settings: LlmSettings
    _slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.settings.max_concurrency)


def _chat(settings: LlmSettings, model: str) -> BaseChatModel:
    return ChatOpenAI(model=model, base_url=settings.base_url, api_key=SecretStr(settings.api_key or "none"),
                      temperature=0, timeout=settings.timeout_s, max_retries=settings.max_retries)


def build_client(settings: LlmSettings) -> LlmClient | None:
    """None when no endpoint is configured; `EngineUnavailable` for a remote endpoint without the opt-in."""
    if not settings.base_url or not settings.model:
        return None
    if not is_local(settings.base_url) and not settings.allow_remote:
        raise EngineUnavailable(
            f"LLM endpoint {settings.base_url} is not a local address; documents are only sent there with "
            "ATTEST_LLM__ALLOW_REMOTE=true")
    chat = _chat(settings, settings.model)
    vision_model = settings.vision_model or settings.model
    vision_chat = chat if vision_model == settings.model else _chat(settings, vision_model)
    return LlmClient(chat=chat, vision_chat=vision_chat, model=settings.model, vision_model=vision_model,
                     settings=settings)


def _error_code(exc: Exception) -> str:
    # Checked most specific first: the openai exceptions subclass each other.
    if isinstance(exc, openai.APITimeoutError):
        return "llm.timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "llm.unreachable"
    if isinstance(exc, openai.RateLimitError):
        return "llm.rate_limited"
    if isinstance(exc, openai.InternalServerError):
        return "llm.server_error"
    if isinstance(exc, openai.APIStatusError):
        return "llm.rejected"
    return "llm.failed"


def _usage(raw: Any) -> tuple[int, int]:
    usage = getattr(raw, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))


def _text_of(raw: Any) -> str:
    if raw is None:
        return ""
    calls = getattr(raw, "tool_calls", None)
    return str(calls) if calls else str(getattr(raw, "content", ""))


def ask(client: LlmClient, rendered: Rendered, schema: type[BaseModel], *, images: tuple[bytes, ...] = (),
        call_log: list[LlmCall]) -> BaseModel:
    """One structured answer, re-asked on a reply that fails validation; every call lands in `call_log`.

    Raises `LlmError` with a specific code (timeout, rate_limited, server_error, refused, malformed, …) that
    carries the last reply and the tokens spent; the caller keeps the rule-based result.
    """
    model, chat = (client.vision_model, client.vision_chat) if images else (client.model, client.chat)
    # The schema goes out as JSON Schema and the reply is validated here, not inside the client: a reply that
    # fails validation then still comes back with its raw text and token usage, and can be re-asked.
    structured = chat.with_structured_output(schema.model_json_schema(), method=client.settings.structured_output,
                                             include_raw=True)
    content: list[str | dict[str, Any]] = [{"type": "text", "text": rendered.user}]
    for image in images:
        url = f"data:image/jpeg;base64,{base64.b64encode(image).decode()}"
        content.append({"type": "image_url", "image_url": {"url": url}})
    messages: list[BaseMessage] = [SystemMessage(rendered.system), HumanMessage(content=content)]
    record = LlmCall(prompt=rendered.ref, model=model, attempts=0)
    call_log.append(record)
    started = time.perf_counter()
    try:
        for _ in range(client.settings.max_reasks + 1):
            record.attempts += 1
            with client._slots:
                try:
                    out: Any = structured.invoke(messages)
                except openai.APIError as exc:
                    raise LlmError(f"{model}: {type(exc).__name__}: {exc}", code=_error_code(exc),
                                   input_tokens=record.input_tokens, output_tokens=record.output_tokens) from exc
            tokens_in, tokens_out = _usage(out.get("raw"))
            record.input_tokens += tokens_in
            record.output_tokens += tokens_out
            error = out.get("parsing_error")
            if error is None and isinstance(out.get("parsed"), dict):
                try:
                    return schema.model_validate(out["parsed"])
                except ValidationError as exc:
                    error = exc
            reply = _text_of(out.get("raw"))
            record.last_attempt = reply[:2000]
            if isinstance(error, ModelRefusalError):
                raise LlmError(f"{model} refused: {error}", code="llm.refused", last_attempt=reply,
                               input_tokens=record.input_tokens, output_tokens=record.output_tokens)
            problem = str(error) if error is not None else "no answer in the required structure"
            if isinstance(error, OutputParserException):
                problem = str(error).splitlines()[0]
            messages.append(HumanMessage(
                f"上一次回答未通过校验：{problem[:500]}\n上一次回答：{reply[:1500]}\n请只按给定的 JSON 结构重新回答。"))
        raise LlmError(f"{model}: no valid answer after {record.attempts} attempts: {problem[:300]}",
                       code="llm.malformed", last_attempt=record.last_attempt,
                       input_tokens=record.input_tokens, output_tokens=record.output_tokens)
    except LlmError as exc:
        record.error_code, record.error = exc.code, str(exc)[:500]
        record.last_attempt = exc.last_attempt or record.last_attempt
        raise
    finally:
        record.latency_ms = round((time.perf_counter() - started) * 1000, 1)
