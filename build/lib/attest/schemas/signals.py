"""What image forensics measured on one picture."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ImageSignals(BaseModel):
    phash: str = Field(description="64-bit perceptual hash (DCT), hex; near-duplicates differ in few bits.")
    dhash: str = Field(description="64-bit difference hash, hex.")
    recapture_score: float = Field(description="Screen-grid / moiré peak score of a photo of a place (0 for pages);"
                                               " see data/forensics.yaml.")
    error_level_score: float | None = Field(None, description="Error level analysis outlier score (JPEG photos of "
                                                              "places only).")
    software: str | None = None
    camera: str | None = Field(None, description="EXIF make and model, when written.")
