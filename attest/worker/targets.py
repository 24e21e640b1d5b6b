"""Job targets that carry more than an id: a document re-read as a kind a reviewer chose."""

from __future__ import annotations


def reread_target(document_id: str, kind: str, round_: int) -> str:
    """One job per document, kind and round: the same re-read asked again in a later round runs again."""
    return f"{document_id}~{kind}~{round_}"


def parse_document_target(target: str) -> tuple[str, str | None]:
    """(document id, the kind to read it as, or None for a first reading)."""
    document_id, _, rest = target.partition("~")
    return document_id, (rest.split("~", 1)[0] or None) if rest else None
