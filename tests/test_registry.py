"""Every kind of the registry through every layer that reads it: the reading recipe, the flat and text views,
the quality findings, the model's prompt and schema, the reviewer page's fields, and the evaluation's folder,
labels and renderer. A kind missing anywhere fails here, not silently on every document of that kind."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import BaseModel

from attest.cli import _text_view
from attest.extract.flat import flat_fields
from attest.extract.llm.prompts import prompt_for
from attest.kinds import KindRow, evidence_model, kinds
from attest.pipeline.recipes import RECIPES
from attest.schemas.document import Classification, DocumentResult
from attest.schemas.evidence import Field
from attest.verify.quality import check_quality
from attest.web.case import _doc_view
from attest.web.templating import translate
from eval.kinds import RENDERERS
from eval.metrics import KIND_OF_LABEL
from eval.realdocs import FLAT_NAME, JUDGED, KIND_OF_FOLDER

KINDS = list(kinds().values())


def _read_as(row: KindRow) -> DocumentResult:
    """A document of the kind with each key field read, as a recipe would leave it."""
    model = evidence_model(row.evidence)
    values: dict[str, Any] = {}
    for name in row.quality.key_fields:
        annotation = str(model.model_fields[name].annotation)
        value: Any = Decimal("1200.00") if "Decimal" in annotation else 12 if "int" in annotation \
            else f"{row.name}-{name}"
        values[name] = Field(value=value, confidence=0.97, lines=["p1-l1"], raw=str(value))
    evidence: BaseModel = model(**values)
    return DocumentResult(document_id=f"doc-{row.name}", filename=f"{row.name}.png", media_type="image/png", pages=1,
                          classification=Classification(kind=row.name, confidence=0.9), ocr=[],
                          **{row.evidence: evidence})  # type: ignore[arg-type]


@pytest.mark.parametrize("row", KINDS, ids=[r.name for r in KINDS])
def test_every_kind_through_every_consumer(row: KindRow) -> None:
    result = _read_as(row)
    assert row.name in RECIPES
    flat = flat_fields(result)
    assert set(row.quality.key_fields) <= set(flat) and all(flat[f] is not None for f in row.quality.key_fields)
    text = _text_view(result)
    assert all(f"  {name} " in text for name in row.quality.key_fields), text
    codes = [c.code for c in check_quality(result, row.name, None)]
    assert "quality.unreadable" not in codes and "quality.not_evidence" not in codes
    empty = result.model_copy(update={row.evidence: None})
    assert "quality.unreadable" in [c.code for c in check_quality(empty, row.name, None)]
    if row.model != "none":
        prompt = prompt_for(row.name)
        assert prompt.schema is not None and prompt.kind == row.name
    else:
        with pytest.raises(ValueError, match="not read by a model"):
            prompt_for(row.name)
    stored = SimpleNamespace(id="d1", sha256=result.document_id, filename=result.filename, status="done",
                             error_message=None, result_json=result.model_dump_json())
    view, _ = _doc_view(stored)  # type: ignore[arg-type]
    assert {f.path for f in view.fields} >= set(row.quality.key_fields)
    assert translate("en", f"kind.{row.name}") == row.label[1] and translate("zh", f"kind.{row.name}") == row.label[0]
    assert KIND_OF_FOLDER[row.eval.folder] == row.name and set(row.eval.judged) == set(JUDGED[row.name])
    assert all(KIND_OF_LABEL[label] == row.name for label in row.eval.labels)
    assert set(FLAT_NAME.get(row.name, {})) == set(row.eval.label_names)
    assert row.name in RENDERERS


def test_a_row_that_names_a_field_its_model_lacks_is_refused() -> None:
    row = kinds()["contract"].model_dump()
    row["quality"]["key_fields"] = ["party_a", "amout"]
    with pytest.raises(ValueError, match="ContractEvidence has no field amout"):
        KindRow.model_validate(row)
