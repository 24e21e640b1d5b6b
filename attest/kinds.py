"""The registry of evidence kinds (`attest/data/kinds.yaml`): one row per kind, read by every layer instead of
naming kinds. The row is checked against the kind's evidence model when it loads, so a field it names that the
model lacks stops the service at start rather than emptying a view on every document."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from attest.data.spec import Spec, validated
from attest.schemas.document import DocumentKind, DocumentResult


class QualityRow(Spec):
    key_fields: tuple[str, ...]  # none of them read: the document is unreadable
    what: tuple[str, str]  # what could not be read, in Chinese and English
    end_words: tuple[str, ...] = ()  # printed at the foot of a one-page document: none read, the bottom is cut off


class FlatRow(Spec):
    fields: tuple[str, ...]  # `items` among them: the rows, listed there even when empty
    items: tuple[str, ...] = ()  # the columns of a row


class EvalRow(Spec):
    folder: str  # the kind's folder of real documents
    labels: tuple[str, ...]  # the names labels give the kind
    judged: tuple[str, ...]  # the labelled fields a real document is judged on
    label_names: dict[str, str] = Field(default_factory=dict)  # label name → flat name where they differ


class KindRow(Spec):
    name: str
    evidence: str
    label: tuple[str, str]
    paper: bool
    table: bool = False  # rows of cells, not pages: nothing to picture
    splits: Literal["invoices", "contracts"] | None = None  # how a file of several is cut (pipeline/split)
    seals_on: Literal["first", "all", "none"] = "none"
    reads_qr: bool = False
    rereads: bool = False  # its unsure big lines are read again at the picture's own scale (ocr/reread.py)
    model: Literal["fields", "scene", "none"]
    model_pages: Literal["first", "all"] = "first"
    prompt: str | None = None
    quality: QualityRow
    flat: FlatRow
    eval: EvalRow

    @model_validator(mode="after")
    def _names_its_model(self) -> KindRow:
        model = evidence_model(self.evidence)
        fields = [f for f in self.flat.fields if f != "items"]
        unknown = sorted({*fields, *self.quality.key_fields} - set(model.model_fields))
        if unknown:
            raise ValueError(f"kind {self.name}: {model.__name__} has no field {', '.join(unknown)}")
        if (self.model == "none") != (self.prompt is None):
            raise ValueError(f"kind {self.name}: a prompt goes with a model reading, and only with one")
        return self

    @property
    def scene(self) -> bool:
        """A picture of a place: judged as a photo, fingerprinted as a picture."""
        return not self.paper and not self.table

    def evidence_of(self, result: DocumentResult) -> BaseModel | None:
        value: BaseModel | None = getattr(result, self.evidence)
        return value


class KindsFile(Spec):
    version: int
    kinds: dict[str, KindRow]

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: Any) -> Any:
        """Each row knows its own name (its key in the file)."""
        if isinstance(data, dict) and isinstance(data.get("kinds"), dict):
            return {**data, "kinds": {name: {"name": name, **row} if isinstance(row, dict) else row
                                      for name, row in data["kinds"].items()}}
        return data


def evidence_model(attribute: str) -> type[BaseModel]:
    """The evidence model `DocumentResult.<attribute>` holds; `ValueError` if it holds none."""
    info = DocumentResult.model_fields.get(attribute)
    args = getattr(info.annotation, "__args__", ()) if info is not None else ()
    model = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), None)
    if model is None:
        raise ValueError(f"DocumentResult has no evidence field {attribute!r}")
    return model


@cache
def kinds() -> dict[str, KindRow]:
    """Every kind of evidence by name, in the registry's order."""
    rows = validated("kinds", KindsFile).kinds
    missing = set(DocumentKind.__args__) - {"other"} - set(rows)  # type: ignore[attr-defined]
    if missing:
        raise ValueError(f"kinds.yaml: no row for {', '.join(sorted(missing))}")
    return rows


def evidence_of(result: DocumentResult) -> tuple[KindRow, BaseModel] | None:
    """The kind and evidence a result carries, whichever kind it is; None when nothing was read."""
    for row in kinds().values():
        if (value := row.evidence_of(result)) is not None:
            return row, value
    return None


def photo_kind() -> KindRow:
    """The kind a picture of a place is (not paper): what classification calls a photo with writing in it."""
    return next(row for row in kinds().values() if row.scene)


def table_kind() -> KindRow:
    """The kind a tabular upload is read as: rows of cells are a statement, whatever they are classified as."""
    return next(row for row in kinds().values() if row.table)
