"""Embedding functions of our own: ChromaDB's default downloads a model, which an air-gapped bank cannot.

- `NgramHashEmbedder` (default): character n-grams hashed into a fixed number of signed buckets, L2-normalised.
  Deterministic across processes and machines (CRC-32, not Python's salted `hash`), no model, no network.
- `OpenAIEmbedder` (optional): any OpenAI-compatible `/embeddings` endpoint the user configures.
- `bits_vector`: a 64-bit perceptual hash as ±1 coordinates, so that squared L2 distance is 4 × Hamming distance
  and nearest-neighbour search over photos is exact Hamming search.
"""

from __future__ import annotations

import zlib
from typing import Any

import httpx
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from attest.errors import EngineFailed
from attest.layout.normalize import squash


def _bucket(gram: str, dim: int) -> tuple[int, float]:
    value = zlib.crc32(gram.encode("utf-8"))
    return value % dim, 1.0 if (value >> 31) & 1 else -1.0


@register_embedding_function
class NgramHashEmbedder(EmbeddingFunction[Documents]):
    """Character n-gram hashing: texts sharing most of their n-grams are close in cosine distance."""

    def __init__(self, dim: int = 512, ngrams: tuple[int, ...] = (2, 3)) -> None:
        self.dim = dim
        self.ngrams = tuple(ngrams)

    def __call__(self, input: Documents) -> Embeddings:
        out = []
        for text in input:
            vec = np.zeros(self.dim, dtype=np.float32)
            s = squash(text)
            for n in self.ngrams:
                for i in range(max(0, len(s) - n + 1)):
                    idx, sign = _bucket(s[i:i + n], self.dim)
                    vec[idx] += sign
            norm = float(np.linalg.norm(vec))
            # An empty or one-character text still needs a valid unit vector for cosine space.
            out.append(vec / norm if norm else np.eye(1, self.dim, 0, dtype=np.float32)[0])
        return out

    @staticmethod
    def name() -> str:
        return "attest-ngram-hash"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"dim": self.dim, "ngrams": list(self.ngrams)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> NgramHashEmbedder:
        return NgramHashEmbedder(dim=int(config["dim"]), ngrams=tuple(config["ngrams"]))


@register_embedding_function
class OpenAIEmbedder(EmbeddingFunction[Documents]):
    """Embeddings from an OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, DashScope compatible mode)."""

    def __init__(self, base_url: str, model: str, api_key: str | None = None, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.timeout = timeout

    def __call__(self, input: Documents) -> Embeddings:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            reply = httpx.post(f"{self.base_url}/embeddings", json={"model": self.model, "input": list(input)},
                               headers=headers, timeout=self.timeout)
            reply.raise_for_status()
            data = sorted(reply.json()["data"], key=lambda d: d["index"])
        except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
            raise EngineFailed(f"embedding endpoint {self.base_url} failed: {exc}") from exc
        if len(data) != len(input):
            raise EngineFailed(f"embedding endpoint returned {len(data)} vectors for {len(input)} texts")
        return [np.asarray(d["embedding"], dtype=np.float32) for d in data]

    @staticmethod
    def name() -> str:
        return "attest-openai-compatible"

    def default_space(self) -> Any:
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        # The key is a secret: it is never written into the collection's stored configuration.
        return {"base_url": self.base_url, "model": self.model, "timeout": self.timeout}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> OpenAIEmbedder:
        return OpenAIEmbedder(config["base_url"], config["model"], timeout=float(config.get("timeout", 30.0)))


def bits_vector(hex_hash: str) -> list[float]:
    """64-bit hash → 64 coordinates of ±1."""
    value = int(hex_hash, 16)
    bits = len(hex_hash) * 4
    return [1.0 if (value >> (bits - 1 - i)) & 1 else -1.0 for i in range(bits)]
