"""PDF pages rendered with pdfium, each with its text layer when it has a usable one."""

from __future__ import annotations

import io

from PIL import Image

from attest.errors import DocumentUnreadable, ImageTooLarge, TooManyPages
from attest.ingest.pdf_text import text_layer_page
from attest.schemas.document import PageImage, PdfInfo
from attest.settings import LimitSettings, OcrSettings


def load_pdf(data: bytes, limits: LimitSettings, ocr: OcrSettings) -> list[PageImage]:
    """Render every page (page count checked before any rendering) and read its text layer."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DocumentUnreadable(f"PDF could not be opened: {exc}") from exc
    try:
        count = len(pdf)
        if count == 0:
            raise DocumentUnreadable("PDF has no pages")
        # A long PDF a system printed (a year's bank statement) is read from its text alone: allowed up to
        # `max_text_pages` when it has a text layer, drawn small, and refused at its first page without one.
        long_text = count > limits.max_pages and count <= limits.max_text_pages and ocr.use_pdf_text_layer \
            and text_layer_page(pdf[0].get_textpage(), 0, (0.0, 0.0), 1.0) is not None
        if count > limits.max_pages and not long_text:
            raise TooManyPages(f"PDF has {count} pages; the limit is {limits.max_pages} "
                               f"({limits.max_text_pages} for a PDF whose every page is text)")
        width = ocr.pdf_long_render_width if long_text else ocr.pdf_render_width
        pages: list[PageImage] = []
        for index in range(count):
            page = pdf[index]
            width_pt, height_pt = page.get_size()
            if width_pt <= 0 or height_pt <= 0:
                raise DocumentUnreadable(f"page {index + 1} has no area")
            scale = width / width_pt
            # A sliver page (1 pt wide, 10 m tall) would render to billions of pixels at a fixed width.
            if width_pt * height_pt * scale * scale > limits.max_pixels:
                raise ImageTooLarge(f"page {index + 1} would render to more than {limits.max_pixels:,} pixels")
            image: Image.Image = page.render(scale=scale).to_pil().convert("RGB")
            layer = None
            if ocr.use_pdf_text_layer:
                # pdfium shows the crop box clipped to the media box; text boxes are in page space.
                c_left, _, _, c_top = page.get_cropbox()
                m_left, _, _, m_top = page.get_mediabox()
                left, top = max(c_left, m_left), min(c_top, m_top)
                layer = text_layer_page(page.get_textpage(), index, (left, top), scale)
                if layer is not None:
                    layer.width, layer.height = image.size
            if long_text and layer is None:
                raise TooManyPages(f"PDF has {count} pages and page {index + 1} has no text layer; the limit for "
                                   f"pages to OCR is {limits.max_pages}")
            pages.append(PageImage(index=index, image=image, text_layer=layer, small=long_text))
        return pages
    except pdfium.PdfiumError as exc:
        raise DocumentUnreadable(f"PDF page could not be read: {exc}") from exc
    finally:
        pdf.close()


def pdf_info(data: bytes) -> PdfInfo:
    """The PDF's revisions and the programs it names. Counting revisions needs a parser only when the file has
    more than one cross-reference section (a linearized file has two and one revision)."""
    import pypdfium2 as pdfium

    info = PdfInfo()
    try:
        meta = pdfium.PdfDocument(data).get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError:
        meta = {}
    info.producer, info.creator = meta.get("Producer"), meta.get("Creator")
    if data.count(b"startxref") > 1:
        from pyhanko.pdf_utils.misc import PdfReadError
        from pyhanko.pdf_utils.reader import PdfFileReader

        try:
            info.revisions = PdfFileReader(io.BytesIO(data), strict=False).xrefs.total_revisions
        except (PdfReadError, ValueError, KeyError):
            info.revisions = data.count(b"%%EOF")
    return info
