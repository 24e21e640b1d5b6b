"""Settings: one object, env prefix ATTEST_, nested groups with `__` (e.g. ATTEST_LIMITS__MAX_PAGES=20)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class LimitSettings(BaseModel):
    """Bounds on what one upload may cost; every one is checked before the expensive work starts."""

    max_bytes: int = Field(25 * 1024 * 1024, description="Largest accepted upload, in bytes.")
    max_pixels: int = Field(
        60_000_000, description="Largest image (width x height) decoded; larger ones are refused unread."
    )
    max_pages: int = Field(20, description="Most PDF pages accepted in one document.")
    max_text_pages: int = Field(400, ge=1, description="Most pages of a PDF whose every page carries a text layer "
                                "(a year's bank statement runs to dozens): read from its text, never OCR'd.")
    min_side: int = Field(32, description="Smallest accepted image side, in pixels.")
    archive_max_entries: int = Field(500, ge=1, description="Most entries an OFD's zip may hold (a real e-invoice "
                                                            "holds 10–40).")
    archive_max_entry_bytes: int = Field(16 * 1024 * 1024, ge=1024, description="Largest unpacked size of one "
                                                                                 "entry of an OFD, in bytes.")
    archive_max_total_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="Largest unpacked size of all of "
                                                                                 "an OFD's entries together.")
    archive_max_ratio: int = Field(200, ge=2, description="Largest unpacked/packed size ratio of an entry larger "
                                                          "than 64 KiB unpacked (XML packs about 5–20×).")
    table_max_rows: int = Field(200_000, ge=10, description="Most rows a statement export (CSV, XLS, XLSX) may "
                                                           "hold: a busy shop's year is tens of thousands.")
    table_max_columns: int = Field(100, ge=5, description="Most columns a row of a statement export may hold.")


class OcrSettings(BaseModel):
    engine: Literal["rapidocr", "paddleocr"] = Field("rapidocr", description="OCR engine to use.")
    max_side: int = Field(
        2000, description="Longest image side given to the detector; bigger photos are downscaled first."
    )
    backend: Literal["onnxruntime", "openvino"] = Field(
        "openvino", description="Inference runtime for rapidocr's PP-OCRv6 models (the same ONNX files either way): "
        "Intel's `openvino` (the default: in f32 it reads every real and generated document of "
        "`eval.backend_parity` exactly as onnxruntime does, in less time: docs/measurements.md), or `onnxruntime`. "
        "Recorded in every `OcrPage` with its precision.")
    precision: Literal["f32", "bf16"] = Field(
        "f32", description="Arithmetic the backend computes in. `bf16` (openvino only, on CPUs with AVX-512 BF16 or "
        "AMX) is faster but reads some lines differently; `f32` reads as onnxruntime does.")
    threads: int = Field(0, description="Inference threads per model; 0 lets the backend decide (the in-process "
                         "worker then gives each of its threads an engine on its share of the cores).")
    warm_up: bool = Field(
        True, description="Read a drawn page once when a service or worker process starts (before it reports "
        "ready), so the first merchant's document does not pay the runtime's first-inference cost.")
    memory_arena: bool = Field(
        True, description="(onnxruntime only) Keep onnxruntime's CPU memory arena: each page reuses the last one's "
        "buffers instead of mapping fresh memory (faster per page: docs/measurements.md; costs the largest "
        "page's buffers in resident memory).")
    paddle_model_dir: Path | None = Field(
        None, description="Folder holding local PaddleOCR det/rec/cls model folders (paddleocr engine only)."
    )
    find_page: bool = Field(
        True, description="Find the sheet in a photo of paper (on a desk, cloth or another sheet, seen at an angle) "
        "and square it before OCR; the page's `flattened` corners map its boxes back onto the upload.")
    pdf_render_width: int = Field(2000, description="Pixel width PDF pages are rendered at.")
    pdf_long_render_width: int = Field(600, ge=100, description="Pixel width the pages of a PDF longer than "
                                       "`max_pages` are rendered at: they are read from their text layer, and "
                                       "their pictures serve only the reviewer's thumbnails and forensics.")
    use_pdf_text_layer: bool = Field(
        True, description="Use a PDF's own text layer instead of OCR when it is present and sane."
    )
    scan_first_pages: int = Field(
        3, ge=1, description="A long scanned PDF (no text layer) is OCR'd on its first pages only, plus the last "
        "ones (`scan_last_pages`): title, parties and amounts stand at the front, signatures and seals at the end. "
        "The pages read are listed in the result's `pages_read`.")
    scan_last_pages: int = Field(2, ge=0, description="Last pages of a long scanned PDF that are OCR'd too.")

    @model_validator(mode="after")
    def _precision_fits_backend(self) -> OcrSettings:
        if self.precision != "f32" and self.backend != "openvino":
            raise ValueError(f"precision {self.precision} needs backend openvino ({self.backend} computes in f32)")
        return self


class PatternSettings(BaseModel):
    """The known-pattern store (ChromaDB)."""

    chroma_url: str | None = Field(
        None, description="A Chroma server, e.g. http://127.0.0.1:8001; unset means embedded under `path`.")
    path: Path | None = Field(None, description="Embedded store folder; default `<data_dir>/patterns`.")
    embedder: Literal["ngram", "openai"] = Field(
        "ngram", description="Text embeddings: `ngram` (offline, deterministic) or an OpenAI-compatible endpoint.")
    embed_base_url: str | None = Field(None, description="OpenAI-compatible base URL for the `openai` embedder.")
    embed_model: str | None = Field(None, description="Embedding model name for the `openai` embedder.")
    embed_api_key: str | None = Field(None, description="API key for the `openai` embedder, if it needs one.")


class LlmSettings(BaseModel):
    """An OpenAI-compatible chat endpoint (OpenAI, DashScope compatible mode, vLLM, Ollama, llama.cpp server).

    Off unless `base_url` and `model` are set. Documents leave the machine only to a local address (loopback or
    a private network) unless `allow_remote` says so explicitly.
    """

    extractor: Literal["rules", "llm", "merged"] = Field(
        "rules", description="Which extractor decides the fields: rules only, the model only (grounded, rules as "
                             "fallback), or both merged per `attest/data/merge.yaml`.")
    base_url: str | None = Field(None, description="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.")
    model: str | None = Field(None, description="Chat model name for text prompts.")
    vision_model: str | None = Field(None, description="Model for page and photo images; default `model`.")
    api_key: str | None = Field(None, description="API key; local servers usually take any value.")
    allow_remote: bool = Field(
        False, description="Allow sending documents to a non-local endpoint (a public cloud API).")
    structured_output: Literal["json_schema", "function_calling"] = Field(
        "json_schema", description="`json_schema` where the endpoint supports it, `function_calling` otherwise.")
    timeout_s: float = Field(60.0, gt=0, description="Seconds one request may take before it is abandoned.")
    max_retries: int = Field(2, ge=0, description="Retries of a request on 429 (honouring Retry-After), 5xx, "
                                                  "timeouts and connection errors.")
    max_reasks: int = Field(1, ge=0, description="Re-asks after a reply that fails validation.")
    max_concurrency: int = Field(4, ge=1, description="Requests in flight at once from one process.")
    image_max_side: int = Field(1280, ge=256, description="Longest side of an image sent to the vision model.")
    low_confidence: float = Field(
        0.8, ge=0, le=1, description="Below this mean OCR confidence a document page is also shown to the vision "
                                     "model.")


class ServiceSettings(BaseModel):
    """The REST service: its database, in-process worker and upload limits."""

    database_url: str | None = Field(
        None, description="SQLAlchemy URL, e.g. postgresql+psycopg://user@127.0.0.1:5432/attest; unset means "
                          "SQLite at `<data_dir>/attest.db`.")
    workers: int = Field(0, ge=0, description="In-process worker threads; 0 means one per core. Each hands its "
                         "documents to a reading process of its own (OCR and the rest of the pipeline), apart from "
                         "the API's interpreter.")
    reader_idle_class: bool = Field(
        True, description="Run the in-process worker's reading processes in Linux's SCHED_IDLE class: a runnable API "
        "thread preempts them at once, so uploads are acknowledged quickly while every core reads. They still get a "
        "small share when the API is busy (weight 3 against a normal thread's 1024), and the API, bound to one "
        "interpreter lock, cannot take both cores from them. Off: they run at `reader_niceness`.")
    reader_niceness: int = Field(
        10, ge=0, le=19, description="Unix niceness of the reading processes (what the kernel weighs them by when "
        "`reader_idle_class` is off).")
    read_timeout_s: float = Field(
        600.0, gt=0, description="A document the in-process worker's reading process has not read in this long is "
        "refused (`processing.failed`, saying so) and the process is replaced; a crash of that process refuses "
        "only its document too.")
    job_lease_s: float = Field(90.0, gt=0, description="A running job whose lease was not renewed for this long "
                                                       "is taken over by another worker (its first worker died).")
    worker: Literal["inprocess", "celery"] = Field(
        "inprocess", description="Who runs the jobs: threads in the API process, or Celery workers (`attest worker`) "
                                 "fed through the broker. The job state stays in the database either way.")
    broker_url: str = Field("redis://127.0.0.1:6379/0", description="The Celery broker (Redis), for `worker=celery`.")
    heartbeat_s: float = Field(20.0, gt=0, description="How often a running job renews its lease; a job whose lease "
                                                       "was not renewed for `job_lease_s` is taken over.")
    sweep_s: float = Field(15.0, gt=0, description="How often a Celery worker looks for jobs whose message was "
                                                   "lost (a broker restart) or whose worker died, and resends them.")
    max_files_per_request: int = Field(10, ge=1, description="Files accepted in one upload request.")
    max_documents_per_application: int = Field(40, ge=1, description="Documents one application may hold.")
    rate_limit_per_minute: int = Field(600, ge=1, description="Requests one API key may make per minute.")
    webhook_url: str | None = Field(
        None, description="POSTed a JSON notice when an application is decided; unset means poll only.")
    webhook_secret: str | None = Field(
        None, description="HMAC-SHA256 key; the notice carries `X-Attest-Signature: sha256=<hex of the body>`.")
    cookie_secure: bool = Field(
        False, description="Mark the reviewer page's session cookie `Secure` (sent over HTTPS only). Set it whenever "
                           "the service is reached through TLS; the default suits `make run` on 127.0.0.1.")
    review_page_size: int = Field(20, ge=1, le=200, description="Cases per page in the reviewer queue.")
    metrics_port: int | None = Field(
        None, ge=1, le=65535, description="Serve Prometheus metrics on this port, in a listener of their own apart "
        "from the public API (scrape `http://<metrics_host>:<port>/`). Unset: no metrics listener.")
    metrics_host: str = Field("127.0.0.1", description="Address the metrics listener binds; 0.0.0.0 for a scraper "
                                                       "on another host.")
    metrics_token: SecretStr | None = Field(
        None, description="With it, the public API's `/metrics` answers a scraper that sends "
        "`Authorization: Bearer <token>`; without it the public `/metrics` answers 401 to everyone.")


class LogSettings(BaseModel):
    """Logs on stderr: JSON lines for a log shipper, or readable lines for a person at a terminal."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", description="Lowest level written.")
    format: Literal["auto", "json", "text"] = Field(
        "auto", description="`json`: one JSON object per line (a container, a log shipper). `text`: one readable "
        "line per event (time, level, logger, message, ids). `auto`: text when stderr is a terminal (`make run` "
        "in a shell), JSON otherwise.")
    show_personal_data: bool = Field(
        False, description="Keep tax ids, names and amounts in log lines. Off: they are masked before writing; "
                           "turn on only to debug, never in production.")


class Settings(BaseSettings):
    """Everything attest can be configured with; defaults give a working offline system."""

    model_config = SettingsConfigDict(env_prefix="ATTEST_", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="Where the embedded database, blobs and index live.")
    limits: LimitSettings = Field(default_factory=LimitSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    patterns: PatternSettings = Field(default_factory=PatternSettings,
                                      description="The known-pattern store (ChromaDB) and its embedder.")
    service: ServiceSettings = Field(default_factory=ServiceSettings,
                                     description="The REST service, its database and worker.")
    log: LogSettings = Field(default_factory=LogSettings, description="Log format and masking.")
    llm: LlmSettings = Field(default_factory=LlmSettings,
                             description="The optional LLM and vision-LLM extractors.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
