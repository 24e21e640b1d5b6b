"""What the known-pattern store remembers of one document, computed once while the document is processed."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Fingerprint(BaseModel):
    image_hashes: list[str] = Field(
        default_factory=list,
        description="64-bit perceptual hashes (hex) of a photo and of six standard crops of it: a cropped copy "
                    "of the photo lands near one of them.")
    thumbnail: str | None = Field(
        None, description="The photo shrunk to 480 px as base64 JPEG: near-duplicate candidates are confirmed by "
                          "registering one picture onto the other, which hashes alone cannot do.")
    text: str | None = Field(
        None, description="A contract's text with both parties' names and codes masked: the same contract with "
                          "other names put in reads the same.")
