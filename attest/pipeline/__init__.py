"""The core: `process_document` (one upload → `DocumentResult`) and `assess_application` (documents →
`Assessment`). No database, no HTTP, no globals: engines and policy are passed in."""

from attest.pipeline.application import assess_application
from attest.pipeline.document import Engines, ProcessOptions, process_document

__all__ = ["Engines", "ProcessOptions", "assess_application", "process_document"]
