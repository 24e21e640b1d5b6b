"""Evidence read from a shop photo."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from pydantic import Field as PydField

from attest.schemas.evidence import Field


class ShopPhotoEvidence(BaseModel):
    shop_name: Field[str] | None = None
    phone: Field[str] | None = None
    address: Field[str] | None = None
    industry: Field[str] | None = None
    taken_at: Field[datetime] | None = None
    camera_make: Field[str] | None = None
    camera_model: Field[str] | None = None
    software: Field[str] | None = None
    gps: Field[str] | None = None
    other_signs: list[str] = PydField(default_factory=list,
                                      description="Other signs' text in the photo, biggest first (not the name).")
