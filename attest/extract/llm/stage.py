"""The LLM stage of `process_document`: ask, ground, merge; faults leave the rule-based result standing."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any, Literal

from PIL import Image
from pydantic import BaseModel

from attest.data import load
from attest.errors import LlmError
from attest.extract.llm.client import LlmClient, ask
from attest.extract.llm.grounding import ground
from attest.extract.llm.merge import merge, model_only
from attest.extract.llm.prompts import prompt_for, render
from attest.extract.llm.schemas import ShopSceneReading
from attest.extract.screen import addresses_a_model
from attest.findings import result
from attest.kinds import kinds
from attest.layout.normalize import squash
from attest.schemas.checks import CheckResult
from attest.schemas.evidence import Field
from attest.schemas.llm import LlmReport, ShopScene
from attest.schemas.ocr import OcrPage
from attest.schemas.shop import ShopPhotoEvidence

Mode = Literal["llm", "merged"]


@dataclass
class LlmOutcome:
    evidence: BaseModel | None
    report: LlmReport
    checks: list[CheckResult] = field(default_factory=list)
    error: LlmError | None = None


def _jpeg(image: Image.Image, max_side: int) -> bytes:
    img = image.convert("RGB")
    img.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _line_text(pages: list[OcrPage]) -> str:
    # Tabs and newlines inside a line would let a document forge a line id: they are flattened.
    return "\n".join(f"{ln.id}\t{' '.join(ln.text.split())}" for p in pages for ln in p.lines)


def _mean_confidence(pages: list[OcrPage]) -> float:
    lines = [ln for p in pages for ln in p.lines]
    return sum(ln.confidence for ln in lines) / len(lines) if lines else 0.0


def _read_fields(kind: str, pages: list[OcrPage], images: list[Image.Image], rules: BaseModel, client: LlmClient,
                 mode: Mode, doc: str, report: LlmReport) -> tuple[BaseModel, list[CheckResult]]:
    prompt = prompt_for(kind)
    spec = load("merge")
    # A page the OCR read poorly is also shown to the vision model; its values are still grounded in the lines.
    low = _mean_confidence(pages) < client.settings.low_confidence
    shown = tuple(_jpeg(im, client.settings.image_max_side) for im in images) if low else ()
    rendered = render(prompt, lines=_line_text(pages), images=shown)
    reading = ask(client, rendered, prompt.schema, images=shown, call_log=report.calls)
    # A line that addresses a model backs no value: whatever the model took from it is dropped.
    lines = {ln.id: ln for p in pages for ln in p.lines if not addresses_a_model(ln.text)}
    grounded = ground(reading, lines, prompt=rendered.ref, confidence=spec["llm_confidence"],
                      source="vision" if shown else "llm")
    report.dropped += grounded.dropped
    if mode == "llm":
        return model_only(rules, grounded.fields, set(prompt.schema.model_fields)), []
    merged, disagreements = merge(rules, grounded.fields)
    report.disagreements += disagreements
    if not disagreements:
        return merged, []
    names = [d.field for d in disagreements]
    return merged, [result("extract.disagreement", "raised",
                           f"规则与模型读取结果不一致: {', '.join(names)}",
                           f"rules and model read these fields differently: {', '.join(names)}", doc=doc,
                           fields=names, **{d.field: f"rule={d.rule} llm={d.llm} kept={d.kept}"
                                            for d in disagreements})]


def _scene(kind: str, pages: list[OcrPage], image: Image.Image, shop: ShopPhotoEvidence | None, client: LlmClient,
           doc: str, report: LlmReport) -> tuple[ShopPhotoEvidence | None, list[CheckResult]]:
    prompt = prompt_for(kind)
    spec = load("merge")
    shown = (_jpeg(image, client.settings.image_max_side),)
    rendered = render(prompt, lines=_line_text(pages) or "（无）", images=shown)
    reading = ask(client, rendered, prompt.schema, images=shown, call_log=report.calls)
    if not isinstance(reading, ShopSceneReading):  # the prompt file names another schema: a packaging error
        raise LlmError(f"prompt {prompt.name} does not answer with ShopSceneReading", code="llm.prompt_invalid")
    sign = squash(reading.signboard or "")
    # As for fields: only the photo's own text backs the sign, and never a line that addresses a model.
    backing = [ln for p in pages for ln in p.lines
               if sign and squash(ln.text) and squash(ln.text) in sign and not addresses_a_model(ln.text)]
    grounded = bool(sign) and sign in "".join(squash(ln.text) for ln in backing)
    flags = [f for f in reading.red_flags if f in spec["red_flags"]]
    report.scene = ShopScene(place=reading.place, signboard=reading.signboard, signboard_grounded=grounded,
                             industry=reading.industry, scale_cues=reading.scale_cues[:20], red_flags=flags)
    if grounded and (shop is None or shop.shop_name is None):
        shop = (shop or ShopPhotoEvidence()).model_copy(update={"shop_name": Field[str](
            value=reading.signboard or "",
            confidence=round(min(ln.confidence for ln in backing) * spec["llm_confidence"], 4),
            source="vision", lines=[ln.id for ln in backing], raw=reading.signboard, prompt=rendered.ref)})
    checks = [result("photo.model_red_flag", "raised", f"图像模型指出: {spec['red_flags'][f]}",
                     f"the vision model flags the photo: {f}", doc=doc, fields=["photo"], flag=f) for f in flags]
    return shop, checks


def llm_stage(kind: str, pages: list[OcrPage], images: list[Image.Image], rules: Any, client: LlmClient, *,
              mode: Mode, doc: str) -> LlmOutcome:
    """The evidence to keep (None: keep the rules'), the report, and the checks it raises.

    An `LlmError` is caught here and returned with the report, so the caller records it as a stage error
    while the rule-based evidence stands unchanged.
    """
    report = LlmReport()
    try:
        if kinds()[kind].model == "scene":
            shop, checks = _scene(kind, pages, images[0], rules, client, doc, report)
            return LlmOutcome(evidence=shop, report=report, checks=checks)
        if rules is None:
            return LlmOutcome(evidence=None, report=report)
        evidence, checks = _read_fields(kind, pages, images, rules, client, mode, doc, report)
        return LlmOutcome(evidence=evidence, report=report, checks=checks)
    except LlmError as exc:
        return LlmOutcome(evidence=None, report=report, error=exc)
