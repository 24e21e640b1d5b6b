"""Extract: OCR lines (and the page image) → typed evidence, each field with its provenance."""
