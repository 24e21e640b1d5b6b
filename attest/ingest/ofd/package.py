"""An unpacked OFD (GB/T 33190): its files by name, XML read without entity expansion, locations resolved the
way producers write them (relative to the file that names them, absolute from the package root, or in another
letter case: `TPLS/TPL_0` for `Tpls/Tpl_0`)."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from defusedxml import ElementTree as SafeTree
from defusedxml.common import DefusedXmlException

from attest.errors import DocumentUnreadable


def local(tag: str) -> str:
    """A tag without its namespace: producers differ in prefixes and sometimes in the namespace itself."""
    return tag.rsplit("}", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    return [c for c in element if local(c.tag) == name]


def child(element: Element, *path: str) -> Element | None:
    node: Element | None = element
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if local(c.tag) == name), None)
    return node


def text_of(element: Element, *path: str) -> str | None:
    node = child(element, *path)
    return node.text.strip() if node is not None and node.text and node.text.strip() else None


def walk(element: Element, name: str) -> Iterator[Element]:
    for node in element.iter():
        if local(node.tag) == name:
            yield node


def numbers(value: str | None) -> list[float]:
    """`"0 0 210 140"` → floats; an unparsable list is empty (the caller falls back)."""
    if not value:
        return []
    try:
        return [float(v) for v in value.replace(",", " ").split()]
    except ValueError:
        return []


class Package:
    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files
        self._folded = {name.lower(): name for name in files}

    def resolve(self, loc: str, *, base: str = "") -> str | None:
        """The entry `loc` names, read from the folder `base` (absolute locations start at the root)."""
        loc = loc.strip().replace("\\", "/")
        if not loc:
            return None
        # A base may itself be absolute (`BaseLoc="/Doc_0/Res"`): every location is relative to the root.
        candidates = [posixpath.normpath(loc.lstrip("/"))] if loc.startswith("/") else [
            posixpath.normpath(posixpath.join(base, loc)).lstrip("/"), posixpath.normpath(loc)]
        for name in candidates:
            if name in self.files:
                return name
            if name.lower() in self._folded:
                return self._folded[name.lower()]
        return None

    def xml(self, name: str) -> Element:
        try:
            root: Element = SafeTree.fromstring(self.files[name])
        except (SafeTree.ParseError, DefusedXmlException, ValueError) as exc:
            raise DocumentUnreadable(f"{name} is not well-formed XML, or uses entities (refused): {exc}") from exc
        return root

    def xml_at(self, loc: str | None, *, base: str = "") -> tuple[str, Element] | None:
        name = self.resolve(loc, base=base) if loc else None
        return (name, self.xml(name)) if name is not None else None
