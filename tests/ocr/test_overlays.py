"""Notes across a page: giant letters lying across print, or lines aslant of it, are marked and never a value;
a title standing alone, a seal's aslant ring and a phrase printed in a value on a page without a note stay
print."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from attest.data import load
from attest.ocr.overlays import note_strokes, overlay_ids, read_under_overlays, without_note
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.schemas.ocr import OcrLine, OcrPage
from eval.kinds import sample_hard
from eval.synth import TODAY


def _line(n: int, text: str, x0: float, y0: float, x1: float, y1: float, *, red: float = 0.0,
          tilt: float = 0.0) -> OcrLine:
    return OcrLine(id=f"p1-l{n}", text=text, confidence=0.99, red_ink=red,
                   polygon=[(x0, y0), (x1, y0 + tilt), (x1, y1 + tilt), (x0, y1)])


def _page(extra: list[OcrLine]) -> OcrPage:
    rows = [_line(i, f"第{i}行印刷文字内容", 100, 100 + 40 * i, 600, 130 + 40 * i) for i in range(8)]
    return OcrPage(page=1, width=1000, height=800, lines=rows + extra, engine="t", engine_version="1")


def test_giant_letters_across_print_and_aslant_lines_are_notes() -> None:
    giant = _line(20, "供", 100, 120, 400, 290)            # letters 170 px high over rows 1–4
    aslant = _line(21, "仅供存档", 200, 300, 520, 360, tilt=-90)
    assert overlay_ids(_page([giant, aslant])) == {"p1-l20", "p1-l21"}


def test_a_title_a_seal_ring_and_plain_print_are_not_notes() -> None:
    title = _line(20, "营业执照", 650, 20, 950, 120)        # giant, but a run of letters standing alone
    title_under_seal = _line(21, "增值税专用发票", 100, 0, 600, 95)
    ring = _line(22, "杭州宏图", 700, 300, 800, 340, red=0.9, tilt=-60)
    assert overlay_ids(_page([title, title_under_seal, ring])) == set()


def test_a_phrase_in_print_is_kept_on_a_page_without_a_note() -> None:
    page = _page([_line(20, "经营范围仅限办公使用复印无效", 100, 500, 600, 530)])
    assert read_under_overlays(page, Image.new("RGB", (1000, 800), "white"), engine=None) is page  # type: ignore[arg-type]


class _Reader:
    """Stands in for the OCR engine to test the mapping of boxes only: it finds `12` at a known spot of whatever
    picture it is given (a fraction of its size), as the detector would report it in that picture's pixels."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def read(self, image: Image.Image, page: int = 1, *, orient: bool = True) -> OcrPage:
        self.sizes.append(image.size)
        w, h = image.size
        box = [(0.8 * w, 0.5 * h), (0.85 * w, 0.5 * h), (0.85 * w, 0.53 * h), (0.8 * w, 0.53 * h)]
        return OcrPage(page=page, width=w, height=h, engine="t", engine_version="1",
                       lines=[OcrLine(id="r0", text="12", confidence=0.99, polygon=box)])


@pytest.mark.parametrize("photo_side", [600, 3000])  # enlarged for the re-read / already past the reader's side
def test_what_the_re_read_finds_lands_where_it_is_on_the_page(photo_side: int) -> None:
    page = _page([_line(20, "供", 100, 120, 400, 290)])   # 1000 × 800 page coordinates
    photo = Image.new("RGB", (photo_side, photo_side * 4 // 5), "white")
    reader = _Reader()
    out = read_under_overlays(page, photo, reader, max_side=2000)  # type: ignore[arg-type]
    assert max(reader.sizes[0]) <= max(2000, photo_side)            # never enlarged past the reader's side
    added = [ln for ln in out.lines if ln.text == "12"]
    assert len(added) == 1
    x0, y0, x1, y1 = added[0].bbox
    assert (round(x0), round(y0), round(x1), round(y1)) == (800, 400, 850, 424)


def _strokes(d: ImageDraw.ImageDraw, top: int, colour: tuple[int, int, int]) -> None:
    """A row of print: letter strokes 3 px wide, 24 px high."""
    for x in range(100, 500, 12):
        d.rectangle((x, top, x + 2, top + 24), fill=colour)


def test_a_translucent_note_comes_off_in_light_and_shadow_and_the_print_under_it_stays() -> None:
    paper = Image.new("RGB", (600, 300), (250, 250, 246))
    d = ImageDraw.Draw(paper)
    _strokes(d, 100, (20, 20, 20))                                # black print
    _strokes(d, 200, (150, 70, 50))                               # the form's brown print
    note = Image.new("RGBA", paper.size, (0, 0, 0, 0))
    ImageDraw.Draw(note).rectangle((250, 60, 330, 280), fill=(30, 60, 170, 150))   # blue pen, 60 % cover
    page = np.asarray(Image.alpha_composite(paper.convert("RGBA"), note).convert("RGB"), dtype=np.float32)
    page *= np.linspace(0.55, 1.0, page.shape[1])[None, :, None]     # a shadow fading out to the right
    photo = Image.fromarray(page.astype(np.uint8))
    out = np.asarray(without_note(photo, [(250, 60, 330, 280)], load("overlays")).convert("L"))
    assert out[70:90, 260:320].min() >= 230            # the note over paper
    assert out[150:180, 260:320].min() >= 230
    stroke_under, stroke_beside, brown = out[105:120, 268:271], out[105:120, 124:127], out[205:220, 124:127]
    assert stroke_under.max() <= 90                    # black print under the note
    assert stroke_beside.max() <= 90                   # and beside it in the deep shadow
    assert brown.max() <= 200                          # brown print is print, not the note's ink
    assert out[105:120, 129:134].min() >= 230          # paper between strokes in the shadow: evened out


def test_a_note_the_ocr_skipped_is_found_by_its_ink_and_a_form_s_colours_are_not() -> None:
    paper = Image.new("RGB", (1200, 900), (250, 250, 246))
    d = ImageDraw.Draw(paper)
    d.rectangle((20, 20, 1180, 880), outline=(190, 150, 60), width=8)      # the licence's gold frame
    for top in range(120, 700, 60):
        _strokes(d, top, (20, 20, 20))                                    # print, 24 px letters
    _strokes(d, 760, (150, 70, 50))                                       # brown form print
    d.ellipse((900, 600, 1100, 800), outline=(220, 40, 40), width=6)      # a seal and its star
    d.regular_polygon((1000, 700, 40), 5, fill=(220, 40, 40))
    note = Image.new("RGBA", paper.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(note)
    for x in (300, 480):                                                  # two letters 160 px high, 16 px strokes
        pen.line((x, 300, x + 40, 460), fill=(40, 70, 170, 160), width=16)
        pen.line((x - 20, 380, x + 90, 360), fill=(40, 70, 170, 160), width=16)
    photo = Image.alpha_composite(paper.convert("RGBA"), note).convert("RGB")
    boxes = note_strokes(photo, 24, load("overlays"))
    assert len(boxes) == 2
    assert all(x0 >= 270 and x1 <= 590 and y0 >= 280 and y1 <= 480 for x0, y0, x1, y1 in boxes)
    assert note_strokes(paper, 24, load("overlays")) == []


@pytest.mark.slow
def test_a_note_the_ocr_did_not_read_still_comes_off_the_address(engines: Engines) -> None:
    # 仅供存档 in translucent blue, not read as a line at all, its 档 over 住所 and half the address.
    data, truth = sample_hard("business_license", 3)
    assert "overlay" in truth["_phenomena"]
    result = process_document(data, "copy.jpg", engines=engines, options=ProcessOptions(today=TODAY))
    assert result.licence is not None and result.licence.address is not None
    assert result.licence.address.value == truth["address"]


@pytest.mark.slow
def test_a_note_across_an_invoice_header_leaves_its_table_read(engines: Engines) -> None:
    # 仅供贷款使用 in blue pen across 数量, 单价 and 金额 of a low-resolution photo of a perforated form.
    data, truth = sample_hard("invoice", 5)
    result = process_document(data, "copy.jpg", engines=engines, options=ProcessOptions(today=TODAY))
    assert result.invoice is not None
    item = result.invoice.items[0]
    assert (item.qty and str(item.qty.value), item.amount and str(item.amount.value)) == (
        truth["items"][0]["qty"], truth["items"][0]["amount"])
    assert [c.code for c in result.checks if c.severity == "fail"] == []


@pytest.mark.slow
def test_a_note_stamped_across_a_licence_copy_is_no_part_of_its_values(engines: Engines) -> None:
    data, truth = sample_hard("business_license", 4)   # 复印无效 aslant over a low-resolution photo
    result = process_document(data, "copy.jpg", engines=engines, options=ProcessOptions(today=TODAY))
    assert any(ln.overlay for ln in result.ocr[0].lines)
    assert result.licence is not None
    for name in ("name", "company_type", "legal_representative", "business_term", "address"):
        field = getattr(result.licence, name)
        assert field is not None and field.value == truth[name], (name, field)
