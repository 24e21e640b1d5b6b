"""The invoice data an OFD carries for machines, beside its printed page: `CustomData` in OFD.xml, the custom
tags that name the page objects printing each field, and an attached invoice document (`Attachs/*.xml`).
Names map to flat fields through `data/einvoice.yaml`; values are normalised for comparison (dates ISO,
amounts without ¥ or separators, codes without spaces)."""

from __future__ import annotations

import posixpath
import re
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element

from attest.data import load
from attest.errors import DocumentUnreadable
from attest.ingest.ofd.content import OfdDocument
from attest.ingest.ofd.package import Package, children, local, text_of

_DATE = re.compile(r"(\d{4})\D{0,2}(\d{1,2})\D{0,2}(\d{1,2})")


def normalise(field: str, value: str) -> str | None:
    spec = load("einvoice")
    text = re.sub(r"\s+", "", value)
    if not text:
        return None
    if field in spec["dates"]:
        m = _DATE.search(text)
        return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
    if field in spec["amounts"]:
        try:
            return str(Decimal(text.replace("¥", "").replace("￥", "").replace(",", "")).normalize())
        except InvalidOperation:
            return None
    return text.upper() if field.endswith(("_tax_id", "_code", "_number", "_no")) else text


def _object_texts(doc: OfdDocument) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for page in doc.pages:
        for text in page.texts():
            if text.object_id:
                out[(page.page_id or "", text.object_id)] = "".join(g.char for g in text.glyphs)
    return out


def _tags(pkg: Package, doc: OfdDocument, document: Element, names: dict[str, str]) -> dict[str, str]:
    loc = text_of(document, "CustomTags")
    found = pkg.xml_at(loc, base=posixpath.dirname(doc.document_entry)) if loc else None
    if found is None:
        return {}
    index, texts, out = found, _object_texts(doc), {}
    for tag in children(index[1], "CustomTag"):
        file = text_of(tag, "FileLoc")
        tags = pkg.xml_at(file, base=posixpath.dirname(index[0])) if file else None
        for element in tags[1].iter() if tags is not None else []:
            field = names.get(local(element.tag))
            refs = [r for r in element if local(r.tag) == "ObjectRef"]
            if field and refs and field not in out:
                out[field] = "".join(texts.get((r.get("PageRef", ""), (r.text or "").strip()), "") for r in refs)
    return out


def _attachments(pkg: Package, doc: OfdDocument, document: Element, names: dict[str, str]) -> dict[str, str]:
    loc = text_of(document, "Attachments")
    found = pkg.xml_at(loc, base=posixpath.dirname(doc.document_entry)) if loc else None
    out: dict[str, str] = {}
    for attachment in children(found[1], "Attachment") if found is not None else []:
        file = text_of(attachment, "FileLoc")
        entry = pkg.resolve(file, base=posixpath.dirname(found[0])) if file and found else None
        if entry is None or not entry.lower().endswith(".xml"):
            continue
        try:
            root = pkg.xml(entry)
        except DocumentUnreadable:
            continue  # an attachment that is not XML is not invoice data
        for element in root.iter():
            field = names.get(local(element.tag))
            if field and field not in out and element.text and element.text.strip():
                out[field] = element.text.strip()
    return out


def invoice_data(pkg: Package, doc: OfdDocument) -> tuple[dict[str, str], dict[str, str]]:
    """(field → normalised value, field → the source it was read from); the attachment, then the tags, then
    `CustomData` — the first source that has a field gives it."""
    spec = load("einvoice")
    custom = {spec["custom_data"][k]: v for k, v in doc.custom_data.items() if k in spec["custom_data"]}
    data: dict[str, str] = {}
    sources: dict[str, str] = {}
    document = pkg.xml(doc.document_entry)  # parsed once for both sources that start from it
    readers = (("attachment", lambda: _attachments(pkg, doc, document, spec["attachments"])),
               ("custom_tag", lambda: _tags(pkg, doc, document, spec["custom_tags"])), ("custom_data", lambda: custom))
    for source, read in readers:
        try:
            values = read()
        except DocumentUnreadable:
            continue  # a malformed side file (real producers write some) leaves the page and the other sources
        for field, raw in values.items():
            value = normalise(field, raw)
            if value is not None and field not in data:
                data[field], sources[field] = value, source
    return data, sources
