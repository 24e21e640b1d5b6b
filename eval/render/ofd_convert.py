"""OFD files as third-party tools write them back: the same page, drawn the same, but its objects in another
order, one object per character, templates flattened into the page, positions moved into transforms, or the
zip repacked. A reader that depends on how one producer wrote its file — not on what the page shows — fails
here. Any OFD can be converted: the real originals and the renderers' own (`eval/render/ofd.py`).

A converted file's signature no longer matches its bytes (except `rezipped`, which keeps every entry's bytes):
that is true of such files too, and is not what the conversions measure."""

from __future__ import annotations

import copy
import io
import random
import re
import zipfile
from collections.abc import Callable
from xml.etree import ElementTree as ET

from PIL import Image, ImageDraw

from attest.cn.fonts import cjk_font
from attest.ingest.ofd.content import expand_deltas
from attest.ingest.ofd.package import Package, child, children, local, numbers, walk
from eval.render.invoice import FONTS

OFD_NS = "http://www.ofdspec.org/2016"
ET.register_namespace("ofd", OFD_NS)


def _tag(element: ET.Element, name: str) -> str:
    """A tag in the element's own namespace (producers differ)."""
    return element.tag.rsplit("}", 1)[0] + "}" + name if element.tag.startswith("{") else name


def _layers(root: ET.Element) -> list[ET.Element]:
    return [el for el in root.iter() if local(el.tag) in ("Layer", "PageBlock")]


def _shuffled(root: ET.Element, rng: random.Random) -> None:
    """Every layer's objects in a random order: paint order changes nothing on a page of disjoint objects."""
    for layer in _layers(root):
        objects = list(layer)
        rng.shuffle(objects)
        for el in objects:
            layer.remove(el)
        layer.extend(objects)


def _one_glyph_each(text: ET.Element) -> list[ET.Element]:
    """A text object as one object per character, each placed where the original drew it."""
    out: list[ET.Element] = []
    x, y = 0.0, 0.0
    size = (numbers(text.get("Size")) or [3.5])[0]
    for code in children(text, "TextCode"):
        x = (numbers(code.get("X")) or [x])[0]
        y = (numbers(code.get("Y")) or [y])[0]
        dxs, dys = expand_deltas(code.get("DeltaX")), expand_deltas(code.get("DeltaY"))
        for i, ch in enumerate(code.text or ""):
            single = copy.deepcopy(text)
            for old in children(single, "TextCode"):
                single.remove(old)
            new = ET.SubElement(single, _tag(text, "TextCode"), {"X": f"{x:.4f}", "Y": f"{y:.4f}"})
            new.text = ch
            out.append(single)
            step = dxs[i] if i < len(dxs) else (dxs[-1] if dxs else size * (1.0 if ord(ch) > 0x2E80 else 0.55))
            x += step
            if dys:
                y += dys[i] if i < len(dys) else dys[-1]
    return out


def _per_glyph(root: ET.Element, rng: random.Random) -> None:
    for layer in _layers(root):
        objects: list[ET.Element] = []
        for el in list(layer):
            objects += _one_glyph_each(el) if local(el.tag) == "TextObject" else [el]
            layer.remove(el)
        rng.shuffle(objects)
        layer.extend(objects)


def _moved_into_ctm(root: ET.Element, rng: random.Random) -> None:
    """Each text object's box origin moved into its CTM, and its size into the CTM's scale (Size 1): how PDF
    converters write text, in the object's own unit square."""
    del rng
    for text in walk(root, "TextObject"):
        box = numbers(text.get("Boundary"))
        size = (numbers(text.get("Size")) or [3.5])[0]
        old = numbers(text.get("CTM"))
        if len(box) != 4 or (len(old) == 6 and old != [1, 0, 0, 1, 0, 0]) or size <= 0:
            continue
        text.set("Boundary", f"0 0 {box[0] + box[2] + 10:.3f} {box[1] + box[3] + 10:.3f}")
        text.set("CTM", f"{size:.4f} 0 0 {size:.4f} {box[0]:.4f} {box[1]:.4f}")
        text.set("Size", "1")
        for code in children(text, "TextCode"):
            for axis in ("X", "Y"):
                if (value := numbers(code.get(axis))):
                    code.set(axis, f"{value[0] / size:.5f}")
            for axis in ("DeltaX", "DeltaY"):
                if code.get(axis):
                    code.set(axis, _scaled_deltas(code.get(axis, ""), 1 / size))


def _scaled_deltas(deltas: str, factor: float) -> str:
    """`g 19 1.5875 3.175` scaled: the count after `g` stays, every advance is multiplied."""
    tokens, out = deltas.split(), []
    for i, token in enumerate(tokens):
        out.append(token if token == "g" or (i > 0 and tokens[i - 1] == "g") else f"{float(token) * factor:.5f}")
    return " ".join(out)


PAGE_CONVERSIONS: dict[str, Callable[[ET.Element, random.Random], None]] = {
    "shuffled": _shuffled, "per glyph": _per_glyph, "in CTM": _moved_into_ctm}


def _flattened(files: dict[str, bytes]) -> None:
    """Templates drawn into each page's own content, as a converter that knows no templates writes it."""
    pkg = Package(files)
    for name in [n for n in files if n.lower().endswith("document.xml")]:
        document = ET.fromstring(files[name])
        common = child(document, "CommonData")
        templates = {t.get("ID", ""): t.get("BaseLoc", "") for t in (children(common, "TemplatePage")
                                                                     if common is not None else [])}
        base = name.rsplit("/", 1)[0] if "/" in name else ""
        for ref in walk(document, "Page"):
            found = pkg.xml_at(ref.get("BaseLoc", ""), base=base)
            if found is None:
                continue
            page = ET.fromstring(files[found[0]])
            content = child(page, "Content")
            if content is None:
                content = ET.SubElement(page, _tag(page, "Content"))
            for tpl in children(page, "Template"):
                tpl_found = pkg.xml_at(templates.get(tpl.get("TemplateID", ""), ""), base=base)
                tpl_content = child(ET.fromstring(files[tpl_found[0]]), "Content") if tpl_found else None
                layers = list(tpl_content) if tpl_content is not None else []
                if (tpl.get("ZOrder") or "Background") == "Background":
                    for i, layer in enumerate(layers):
                        content.insert(i, layer)
                else:
                    content.extend(layers)
                page.remove(tpl)
            files[found[0]] = ET.tostring(page, encoding="utf-8", xml_declaration=True)


_CAPTION = re.compile(r"^\s*(?:" + "|".join(r"\s*".join(word) for word in ("发票代码", "发票号码", "开票日期", "校验码",
                                                                            "机器编号")) + r")\s*[:：]?\s*$")
_PX_PER_MM = 12


def _caption_picture(text: str, width: float, height: float, size: float, baseline: float) -> bytes:
    picture = Image.new("RGB", (max(1, round(width * _PX_PER_MM)), max(1, round(height * _PX_PER_MM))), "white")
    font = cjk_font(FONTS[0], max(6, round(size * _PX_PER_MM)))
    ImageDraw.Draw(picture).text((0, baseline * _PX_PER_MM), text, font=font, fill=(120, 60, 30), anchor="ls")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _captions_as_pictures(files: dict[str, bytes]) -> None:
    """The header's captions (发票代码, 发票号码, 开票日期, 校验码, 机器编号) drawn as pictures, the values still text:
    a layout whose form is an image. The page shows the same; the text says only the values."""
    media: list[str] = []
    for name in [n for n in files if n.lower().endswith("content.xml")]:
        root = ET.fromstring(files[name])
        for layer in _layers(root):
            for i, text in enumerate(list(layer)):
                chars = "".join(c.text or "" for c in children(text, "TextCode"))
                box = numbers(text.get("Boundary"))
                if local(text.tag) != "TextObject" or not _CAPTION.match(chars) or len(box) != 4 or text.get("CTM"):
                    continue
                size = (numbers(text.get("Size")) or [3.5])[0]
                baseline = (numbers(children(text, "TextCode")[0].get("Y")) or [size])[0]
                entry = f"caption_{len(media)}.png"
                files[f"Doc_0/Res/{entry}"] = _caption_picture(chars.strip(), box[2], box[3], size, baseline)
                media.append(entry)
                ident = f"9{len(media):04d}"
                picture = ET.Element(_tag(text, "ImageObject"), {
                    "ID": ident, "ResourceID": ident, "Boundary": text.get("Boundary", ""),
                    "CTM": f"{box[2]:.3f} 0 0 {box[3]:.3f} 0 0"})
                layer.remove(text)
                layer.insert(i, picture)
        files[name] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    if not media:
        return
    items = "".join(f'<ofd:MultiMedia ID="9{i + 1:04d}" Type="Image"><ofd:MediaFile>{entry}</ofd:MediaFile>'
                    '</ofd:MultiMedia>' for i, entry in enumerate(media))
    files["Doc_0/CaptionRes.xml"] = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{OFD_NS}" '
                                     f'BaseLoc="Res"><ofd:MultiMedias>{items}</ofd:MultiMedias></ofd:Res>').encode()
    document = next(n for n in files if n.lower() == "doc_0/document.xml")
    root = ET.fromstring(files[document])
    common = child(root, "CommonData")
    if common is not None:
        ET.SubElement(common, _tag(root, "DocumentRes")).text = "CaptionRes.xml"
    files[document] = ET.tostring(root, encoding="utf-8", xml_declaration=True)


def convert(data: bytes, how: str, rng: random.Random) -> bytes:
    """The OFD `data` rewritten the way `how` names: one of `CONVERSIONS`."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        files = {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}
    if how == "flattened":
        _flattened(files)
    elif how == "captions as pictures":
        _captions_as_pictures(files)
    elif how in PAGE_CONVERSIONS:
        for name in [n for n in files if n.lower().endswith("content.xml")]:
            root = ET.fromstring(files[name])
            PAGE_CONVERSIONS[how](root, rng)
            files[name] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    elif how != "rezipped":
        raise ValueError(f"unknown conversion {how!r}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED if how == "rezipped" else zipfile.ZIP_DEFLATED) as z:
        names = list(files)
        if how == "rezipped":  # folders listed, entries in another order, nothing compressed
            names.reverse()
            for folder in sorted({n.rsplit("/", 1)[0] + "/" for n in names if "/" in n}):
                z.writestr(folder, b"")
        for name in names:
            z.writestr(name, files[name])
    return out.getvalue()


CONVERSIONS = ("rezipped", "shuffled", "per glyph", "in CTM", "flattened", "captions as pictures")
