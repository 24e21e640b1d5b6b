"""Settings: one object, env prefix ATTEST_, nested groups with `__` (e.g. ATTEST_LIMITS__MAX_PAGES=20)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class LimitSettings(BaseModel):
    """Bounds on what one upload may cost; every one is checked before the expensive work starts."""

    max_bytes: int = Field(25 * 1024 * 1024, description="Largest accepted upload, in bytes.")
    max_pixels: int = Field(
        60_000_000, description="Largest image (width x height) decoded; larger ones are refused unread."
    )
    max_pages: int = Field(20, description="Most PDF pages accepted in one document.")
    min_side: int = Field(32, description="Smallest accepted image side, in pixels.")


class OcrSettings(BaseModel):
    engine: Literal["rapidocr", "paddleocr"] = Field("rapidocr", description="OCR engine to use.")
    max_side: int = Field(
        2000, description="Longest image side given to the detector; bigger photos are downscaled first."
    )
    threads: int = Field(0, description="onnxruntime threads per session; 0 lets onnxruntime decide.")
    paddle_model_dir: Path | None = Field(
        None, description="Folder holding local PaddleOCR det/rec/cls model folders (paddleocr engine only)."
    )
    pdf_render_width: int = Field(2000, description="Pixel width PDF pages are rendered at.")
    use_pdf_text_layer: bool = Field(
        True, description="Use a PDF's own text layer instead of OCR when it is present and sane."
    )


class Settings(BaseSettings):
    """Everything attest can be configured with; defaults give a working offline system."""

    model_config = SettingsConfigDict(env_prefix="ATTEST_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="Where the embedded database, blobs and index live.")
    limits: LimitSettings = Field(default_factory=LimitSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
