"""RapidOCR engine: PaddleOCR's PP-OCR models as ONNX, shipped inside the `rapidocr` wheel (no network)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from attest.errors import EngineFailed, EngineUnavailable
from attest.ocr.base import RawLine

# The PP-OCRv6 models the rapidocr wheel ships (its `models/` folder): onnxruntime finds them itself, OpenVINO
# must be pointed at them or rapidocr would try to download its own copies.
_WHEEL_MODELS = {"Det": "PP-OCRv6_det_small.onnx", "Rec": "PP-OCRv6_rec_small.onnx",
                 "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx"}


@contextmanager
def _openvino_precision(precision: str) -> Iterator[None]:
    """rapidocr passes OpenVINO no precision hint, and on a CPU with AVX-512 BF16 or AMX OpenVINO then computes
    in bf16, which reads some lines differently. The hint is added while the models compile, so they must
    compile inside this block (see `_load_models`)."""
    from rapidocr.inference_engine.openvino.device_config import CPUConfig

    original = CPUConfig.get_config

    def with_precision(self: Any) -> dict[str, Any]:
        return {**original(self), "INFERENCE_PRECISION_HINT": precision}

    CPUConfig.get_config = with_precision  # type: ignore[method-assign]
    try:
        yield
    finally:
        CPUConfig.get_config = original  # type: ignore[method-assign]


def _openvino_params(threads: int) -> dict[str, Any]:
    import rapidocr
    from rapidocr import EngineType

    folder = Path(rapidocr.__file__).parent / "models"
    params: dict[str, Any] = {}
    for task, name in _WHEEL_MODELS.items():
        if not (folder / name).is_file():
            raise EngineUnavailable(f"rapidocr's wheel has no {name}: openvino needs the packaged models")
        params[f"{task}.engine_type"] = EngineType.OPENVINO
        params[f"{task}.model_path"] = str(folder / name)
    if threads > 0:
        params["EngineConfig.openvino.inference_num_threads"] = threads
        # OpenVINO pins its threads to cores, and every process pins from the first core up: two Celery
        # workers of one thread each both ran on core 0, each at half speed, while core 1 idled.
        params["EngineConfig.openvino.enable_cpu_pinning"] = False
    return params


def _load_models(engine: Any) -> None:
    """rapidocr compiles each model on its first call. Loaded here instead: once per process, before the first
    page is timed, and (for OpenVINO) while the precision hint is in place; a hint applied after construction
    alone was silently lost, and "f32" ran in bf16. A rapidocr without these loaders is refused rather than
    left to compile later without the hint."""
    try:
        engine._load_det_model()
        engine._load_rec_model()
    except AttributeError as exc:  # pragma: no cover - rapidocr is pinned below 4
        raise EngineUnavailable(f"this rapidocr cannot load its models up front ({exc}): pin rapidocr<4") from exc


def _table_normalised_det(engine: Any) -> None:
    """rapidocr normalises each page for the detector in float64 arithmetic over the whole picture (0.1 s of a
    2000-px page on one core, 3 % of its OCR). A uint8 channel has 256 values: the same arithmetic is done once
    per value into a table, and the page is looked up in it (`cv2.LUT`), bit for bit the same input to the
    model."""
    import cv2
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    class TablePreProcess(DetPreProcess):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            values = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)[None]  # 1 × 256 × 3
            self.table = super().normalize(values).astype(np.float32)

        def __call__(self, img: np.ndarray) -> np.ndarray | None:
            resized = self.resize(img)
            if resized is None:
                return None
            if resized.dtype == np.uint8 and resized.ndim == 3 and resized.shape[2] == 3:
                normalised = cv2.LUT(resized, self.table)
            else:  # not a 3-channel byte picture: rapidocr's own arithmetic
                normalised = self.normalize(resized)
            planes: np.ndarray = np.ascontiguousarray(self.permute(normalised), dtype=np.float32)[None]
            return planes

    det = engine.text_det

    def table_preprocess() -> DetPreProcess:
        # Built per page as rapidocr does: a call may change the side limit.
        return TablePreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)

    det.get_preprocess = table_preprocess


class RapidOcrReader:
    """Loaded once per process; one lock keeps concurrent callers from interleaving inside rapidocr.

    The same models run on onnxruntime or on OpenVINO (`backend`); `backend` and `precision` name what ran them
    in every page read."""

    name = "rapidocr"

    def __init__(self, *, backend: str = "onnxruntime", precision: str = "f32", threads: int = 0,
                 memory_arena: bool = True) -> None:
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # pragma: no cover - a dependency of the package
            raise EngineUnavailable("rapidocr is not installed: pip install rapidocr onnxruntime") from exc
        params: dict[str, Any] = {"Global.log_level": "error", "Global.use_cls": False}
        if backend == "openvino":
            try:
                with _openvino_precision(precision):
                    self._engine = RapidOCR(params={**params, **_openvino_params(threads)})
                    _load_models(self._engine)
            except ImportError as exc:
                raise EngineUnavailable("openvino is not installed: pip install openvino") from exc
        elif backend == "onnxruntime":
            if precision != "f32":
                raise EngineUnavailable(f"onnxruntime computes these models in f32, not {precision}")
            # rapidocr turns onnxruntime's arena off; without it every page's feature maps (100+ MB for a 2000-px
            # page) are fresh mmaps the kernel must fault in: 16 % of the OCR time was system time, 3 % with it.
            params["EngineConfig.onnxruntime.enable_cpu_mem_arena"] = memory_arena
            if threads > 0:
                params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            self._engine = RapidOCR(params=params)
            _load_models(self._engine)
        else:
            raise EngineUnavailable(f"unknown OCR backend {backend!r}: onnxruntime or openvino")
        _table_normalised_det(self._engine)
        self.version = f"rapidocr {metadata.version('rapidocr')} PP-OCRv6 small"
        self.backend = f"{backend} {metadata.version(backend)}"
        self.precision = precision
        self._lock = threading.Lock()

    def read_line(self, image: np.ndarray) -> tuple[str, float]:
        try:
            with self._lock:
                out = self._engine(image, use_det=False, use_cls=False, use_rec=True)
        except Exception as exc:
            raise EngineFailed(f"rapidocr failed: {exc}") from exc
        txts, scores = getattr(out, "txts", None), getattr(out, "scores", None)
        if not txts:
            return "", 0.0
        return str(txts[0]), float(scores[0]) if scores else 0.0

    def read_lines(self, image: np.ndarray) -> list[RawLine]:
        try:
            with self._lock:
                # rapidocr keeps call options as engine state: every call states all of them.
                out = self._engine(image, use_det=True, use_cls=False, use_rec=True)
        except Exception as exc:  # rapidocr raises bare exceptions from deep inside onnxruntime
            raise EngineFailed(f"rapidocr failed: {exc}") from exc
        boxes, txts, scores = (getattr(out, k, None) for k in ("boxes", "txts", "scores"))
        if boxes is None or txts is None or scores is None:
            return []
        return [
            RawLine(polygon=[(float(x), float(y)) for x, y in box], text=str(text), score=float(score))
            for box, text, score in zip(boxes, txts, scores, strict=True)
        ]
