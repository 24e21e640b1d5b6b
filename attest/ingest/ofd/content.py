"""An OFD's pages as what they draw: text (each character at its position, in millimetres from the page's top
left), paths and pictures — page templates (`Tpls`) first, then the page's own layers, then its annotations'
appearances. `text.py` turns the characters into OCR-shaped lines; `render.py` draws all of it."""

from __future__ import annotations

import itertools
import math
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from attest.errors import DocumentUnreadable, TooManyPages, UnsupportedMediaType
from attest.ingest.ofd.package import Package, child, children, local, numbers, text_of, walk

Colour = tuple[int, int, int]
Point = tuple[float, float]
_DEFAULT_AREA = (210.0, 297.0)  # A4, when neither the page nor the document says
_MAX_OBJECTS = 50_000  # per page: a real invoice draws a few hundred
_MAX_GLYPHS = 100_000  # per page: bounds `g 1000000 1` in a DeltaX


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # left, mm
    baseline: float  # mm, y down
    size: float  # mm
    advance: float | None  # distance to the next character of its run, when the file gives one


@dataclass
class Text:
    glyphs: list[Glyph]
    colour: Colour
    drawn: bool  # invisible text (Fill="false", a hidden layer) is read but not drawn
    object_id: str | None
    turned: bool = False  # a CTM turns it off the horizontal (a margin note printed upwards): one line


@dataclass
class Path:
    subpaths: list[list[Point]]
    stroke: Colour | None
    fill: Colour | None
    width: float  # mm


@dataclass
class Picture:
    entry: str
    box: tuple[float, float, float, float]  # left, top, right, bottom in mm


@dataclass
class Page:
    index: int
    page_id: str | None
    width: float
    height: float
    items: list[Text | Path | Picture] = field(default_factory=list)

    def texts(self) -> Iterator[Text]:
        return (item for item in self.items if isinstance(item, Text))


@dataclass
class Resources:
    draw_params: dict[str, Element] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)  # resource id → package entry


@dataclass(frozen=True)
class _Frame:
    """Where an object's coordinates land: its boundary's origin plus an annotation's offset, and its CTM."""

    dx: float
    dy: float
    ctm: tuple[float, float, float, float, float, float] | None

    def point(self, x: float, y: float) -> Point:
        if self.ctm is not None:
            a, b, c, d, e, f = self.ctm
            x, y = a * x + c * y + e, b * x + d * y + f
        return self.dx + x, self.dy + y

    @property
    def turned(self) -> bool:
        return self.ctm is not None and abs(self.ctm[1]) > abs(self.ctm[0])

    @property
    def scale(self) -> float:
        if self.ctm is None:
            return 1.0
        a, b, c, d, _, _ = self.ctm
        return math.sqrt(abs(a * d - b * c)) or 1.0


def _colour(element: Element | None, default: Colour | None) -> Colour | None:
    if element is None:
        return default
    values = [int(max(0.0, min(255.0, v))) for v in numbers(element.get("Value"))]
    if len(values) >= 3:
        return values[0], values[1], values[2]
    if len(values) == 1:
        return values[0], values[0], values[0]
    return default


def expand_deltas(deltas: str | None) -> list[float]:
    """`DeltaX="g 19 1.5875 3.175"`: nineteen advances of 1.5875, then one of 3.175."""
    if not deltas:
        return []
    tokens, i = deltas.split(), 0
    out: list[float] = []
    try:
        while i < len(tokens) and len(out) < _MAX_GLYPHS:
            if tokens[i] == "g" and i + 2 < len(tokens):
                out += [float(tokens[i + 2])] * min(int(float(tokens[i + 1])), _MAX_GLYPHS - len(out))
                i += 3
            else:
                out.append(float(tokens[i]))
                i += 1
    except ValueError:
        return out
    return out


def _flag(element: Element, name: str, default: bool) -> bool:
    value = element.get(name)
    return default if value is None else value.strip().lower() == "true"


def _frame(element: Element, offset: Point) -> tuple[_Frame, list[float]]:
    box = numbers(element.get("Boundary"))
    ctm = numbers(element.get("CTM"))
    origin = (box[0], box[1]) if len(box) == 4 else (0.0, 0.0)
    frame = _Frame(offset[0] + origin[0], offset[1] + origin[1], tuple(ctm) if len(ctm) == 6 else None)  # type: ignore[arg-type]
    return frame, box


def _text(element: Element, offset: Point, params: Resources) -> Text:
    frame, _ = _frame(element, offset)
    param = params.draw_params.get(element.get("DrawParam", ""))
    fill = child(element, "FillColor")
    colour = _colour(fill, None) or _colour(child(param, "FillColor") if param is not None else None, (0, 0, 0))
    size = (numbers(element.get("Size")) or [3.5])[0] * frame.scale
    glyphs: list[Glyph] = []
    x, y = 0.0, 0.0
    for code in children(element, "TextCode"):
        x = (numbers(code.get("X")) or [x])[0]
        y = (numbers(code.get("Y")) or [y])[0]
        dxs, dys = expand_deltas(code.get("DeltaX")), expand_deltas(code.get("DeltaY"))
        chars = code.text or ""
        for i, ch in enumerate(chars[:_MAX_GLYPHS]):
            left, base = frame.point(x, y)
            step = dxs[i] if i < len(dxs) else (dxs[-1] if dxs else None)
            last = i == len(chars) - 1
            glyphs.append(Glyph(ch, left, base, size, None if last or step is None else step * frame.scale))
            x += step if step is not None else size / frame.scale * (1.0 if ord(ch) > 0x2E80 else 0.55)
            if dys:
                y += dys[i] if i < len(dys) else dys[-1]
    drawn = _flag(element, "Fill", True) or _flag(element, "Stroke", False)
    return Text(glyphs, colour or (0, 0, 0), drawn, element.get("ID"), frame.turned)


def _subpaths(data: str, frame: _Frame) -> list[list[Point]]:
    """`AbbreviatedData` (M, S, L, Q, B, A, C) flattened into polylines in page millimetres."""
    tokens = data.split()
    paths: list[list[Point]] = []
    current: list[Point] = []
    here: Point = (0.0, 0.0)
    i = 0

    def take(n: int) -> list[float]:
        nonlocal i
        values = [float(t) for t in tokens[i + 1:i + 1 + n]]
        if len(values) < n:
            raise ValueError("a path command is missing its numbers")
        i += n + 1
        return values

    try:
        while i < len(tokens):
            op = tokens[i]
            if op in ("M", "S"):
                if len(current) > 1:
                    paths.append(current)
                here = tuple(take(2))  # type: ignore[assignment]
                current = [frame.point(*here)]
            elif op == "L":
                here = tuple(take(2))  # type: ignore[assignment]
                current.append(frame.point(*here))
            elif op in ("Q", "B"):
                values = take(4 if op == "Q" else 6)
                controls = [here, *zip(values[::2], values[1::2], strict=True)]
                for step in range(1, 9):
                    current.append(frame.point(*_bezier(controls, step / 8)))
                here = controls[-1]
            elif op == "A":
                values = take(7)
                here = (values[5], values[6])  # an arc is drawn as its chord: enough for a seal's ring or a rule
                current.append(frame.point(*here))
            elif op == "C":
                if current:
                    current.append(current[0])
                i += 1
            else:
                i += 1  # an unknown token: skip it rather than lose the rest of the path
    except ValueError:
        pass
    if len(current) > 1:
        paths.append(current)
    return paths


def _bezier(points: list[Point], t: float) -> Point:
    while len(points) > 1:
        points = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]) for a, b in itertools.pairwise(points)]
    return points[0]


def _path(element: Element, offset: Point, params: Resources) -> Path | None:
    data = text_of(element, "AbbreviatedData")
    if not data:
        return None
    frame, _ = _frame(element, offset)
    param = params.draw_params.get(element.get("DrawParam", ""))
    stroke = _colour(child(element, "StrokeColor"), None) or _colour(
        child(param, "StrokeColor") if param is not None else None, (0, 0, 0))
    fill = _colour(child(element, "FillColor"), None) or _colour(
        child(param, "FillColor") if param is not None else None, (0, 0, 0))
    width = (numbers(element.get("LineWidth")) or numbers(param.get("LineWidth") if param is not None else None)
             or [0.353])[0] * frame.scale
    return Path(_subpaths(data, frame), stroke if _flag(element, "Stroke", True) else None,
                fill if _flag(element, "Fill", False) else None, width)


def _picture(element: Element, offset: Point, params: Resources) -> Picture | None:
    entry = params.media.get(element.get("ResourceID", ""))
    if entry is None:
        return None
    frame, box = _frame(element, offset)
    corners = [frame.point(0, 0), frame.point(1, 1)] if frame.ctm is not None else (
        [(frame.dx, frame.dy), (frame.dx + box[2], frame.dy + box[3])] if len(box) == 4 else [])
    if not corners:
        return None
    (x0, y0), (x1, y1) = corners
    return Picture(entry, (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))


def _objects(container: Element, offset: Point, params: Resources, page: Page) -> None:
    for element in container:
        if len(page.items) >= _MAX_OBJECTS:
            raise DocumentUnreadable(f"page {page.index + 1} of the OFD draws more than {_MAX_OBJECTS:,} objects")
        name = local(element.tag)
        item: Text | Path | Picture | None = None
        if name == "TextObject":
            item = _text(element, offset, params)
        elif name == "PathObject":
            item = _path(element, offset, params)
        elif name == "ImageObject":
            item = _picture(element, offset, params)
        elif name in ("Layer", "PageBlock", "Content", "Appearance"):
            _objects(element, offset, params, page)
        if item is not None:
            page.items.append(item)


def _resources(pkg: Package, locs: list[tuple[str, str]]) -> Resources:
    res = Resources()
    for loc, base in locs:
        found = pkg.xml_at(loc, base=base)
        if found is None:
            continue
        name, root = found
        folder = posixpath.join(posixpath.dirname(name), root.get("BaseLoc", ""))
        for param in walk(root, "DrawParam"):
            res.draw_params[param.get("ID", "")] = param
        for media in walk(root, "MultiMedia"):
            file = text_of(media, "MediaFile")
            entry = pkg.resolve(file, base=folder) or pkg.resolve(file, base=posixpath.dirname(name)) if file else None
            if entry is not None:
                res.media[media.get("ID", "")] = entry
    return res


@dataclass
class OfdDocument:
    pages: list[Page]
    custom_data: dict[str, str]
    document_entry: str  # `Doc_0/Document.xml`: signatures and attachments are found from it
    signatures_entry: str | None


def read_document(pkg: Package, *, max_pages: int) -> OfdDocument:
    """The first document of the package (an e-invoice file holds one), every page laid out."""
    if pkg.resolve("OFD.xml") is None:
        raise UnsupportedMediaType("a zip archive, but not an OFD file (it holds no OFD.xml)")
    root = pkg.xml(pkg.resolve("OFD.xml") or "OFD.xml")
    body = child(root, "DocBody")
    doc_loc = text_of(body, "DocRoot") if body is not None else None
    found = pkg.xml_at(doc_loc) if doc_loc else None
    if body is None or found is None:
        raise DocumentUnreadable("OFD.xml names no document (DocBody/DocRoot) that the file holds")
    doc_name, document = found
    base = posixpath.dirname(doc_name)
    custom = {c.get("Name", ""): (c.text or "").strip() for c in walk(body, "CustomData") if c.get("Name")}
    signatures = text_of(body, "Signatures")
    common = child(document, "CommonData")
    area = numbers(text_of(common, "PageArea", "PhysicalBox")) if common is not None else []
    default_size = (area[2], area[3]) if len(area) == 4 else _DEFAULT_AREA
    res_locs = [((el.text or "").strip(), base) for name in ("PublicRes", "DocumentRes")
                for el in (children(common, name) if common is not None else [])]
    templates = {t.get("ID", ""): t.get("BaseLoc", "") for t in (children(common, "TemplatePage")
                                                              if common is not None else [])}
    page_refs = [p for p in walk(document, "Page") if p.get("BaseLoc")]
    if not page_refs:
        raise DocumentUnreadable("the OFD document lists no pages")
    if len(page_refs) > max_pages:
        raise TooManyPages(f"the OFD has {len(page_refs)} pages; the limit is {max_pages}")
    shared = _resources(pkg, res_locs)
    annotations = _annotations(pkg, text_of(document, "Annotations"), base)
    pages = []
    for index, ref in enumerate(page_refs):
        found_page = pkg.xml_at(ref.get("BaseLoc", ""), base=base)
        if found_page is None:
            raise DocumentUnreadable(f"page {index + 1} of the OFD names {ref.get('BaseLoc')!r}, "
                                     "which it does not hold")
        page_name, content = found_page
        box = numbers(text_of(content, "Area", "PhysicalBox"))
        width, height = (box[2], box[3]) if len(box) == 4 else default_size
        if not (0 < width < 5000 and 0 < height < 5000):
            raise DocumentUnreadable(f"page {index + 1} of the OFD has an impossible size {width}×{height} mm")
        page = Page(index, ref.get("ID"), width, height)
        local_res = _resources(pkg, [((el.text or "").strip(), posixpath.dirname(page_name))
                                     for el in children(content, "PageRes")])
        params = Resources({**shared.draw_params, **local_res.draw_params}, {**shared.media, **local_res.media})
        for when in ("Background", "Body", "Foreground"):
            for tpl in children(content, "Template"):
                if (tpl.get("ZOrder") or "Background") == when and templates.get(tpl.get("TemplateID", "")):
                    found_tpl = pkg.xml_at(templates[tpl.get("TemplateID", "")], base=base)
                    if found_tpl is not None and (body_el := child(found_tpl[1], "Content")) is not None:
                        _objects(body_el, (0.0, 0.0), params, page)
            if when == "Body" and (own := child(content, "Content")) is not None:
                _objects(own, (0.0, 0.0), params, page)
        for appearance, offset in annotations.get(ref.get("ID", ""), []):
            _objects(appearance, offset, params, page)
        pages.append(page)
    return OfdDocument(pages, custom, doc_name, signatures)


def _annotations(pkg: Package, loc: str | None, base: str) -> dict[str, list[tuple[Element, Point]]]:
    """Each page's annotation appearances (stamps, QR codes, watermarks) with where they stand."""
    found = pkg.xml_at(loc, base=base) if loc else None
    if found is None:
        return {}
    name, root = found
    out: dict[str, list[tuple[Element, Point]]] = {}
    for page in children(root, "Page"):
        file = text_of(page, "FileLoc")
        annots = pkg.xml_at(file, base=posixpath.dirname(name)) if file else None
        if annots is None:
            continue
        for appearance in walk(annots[1], "Appearance"):
            box = numbers(appearance.get("Boundary"))
            out.setdefault(page.get("PageID", ""), []).append(
                (appearance, (box[0], box[1]) if len(box) == 4 else (0.0, 0.0)))
    return out
