"""The in-process worker's lanes: each reads in a process of its own, warmed before the service is ready, with
an OCR engine on its share of the cores; it reads exactly as a reader in the calling thread does; a lane whose
process dies or overruns its time fails that document only, and the next document gets a new process."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from attest.pipeline import Engines
from attest.settings import OcrSettings, ServiceSettings, Settings
from attest.store.blobs import BlobStore
from attest.worker.build import lane_ocr
from attest.worker.reader_process import ProcessReader, ReaderFault, ReaderStopped, reading_lanes
from attest.worker.reading import LocalReader, ReadRequest
from attest.worker.runner import is_transient

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "inv14_digital_normal_2023_cmcc_heyuan.jpg"


def test_lanes_split_the_cores_only_when_the_backend_was_left_to_decide() -> None:
    cores = os.cpu_count() or 1
    assert lane_ocr(OcrSettings(), 2).threads == max(1, cores // 2)
    fixed = OcrSettings(threads=2)
    assert lane_ocr(fixed, 2) is fixed  # an operator's choice stands
    alone = OcrSettings()
    assert lane_ocr(alone, 1) is alone  # one thread of work: one engine on every core


def _request(settings: Settings, sha: str, document_id: str = "doc_lane") -> ReadRequest:
    return ReadRequest(document_id=document_id, shas=(sha,), grouped=False, filename=SAMPLE.name,
                       day=date(2026, 11, 28))


def _without_timings(result_json: str | None) -> dict:
    """The reading without when it ran and how long it took."""
    result = json.loads(result_json or "{}")
    result.pop("timings")
    assert result.pop("read_at") is not None
    for page in result["ocr"]:
        page.pop("seconds", None)
    return result


@pytest.mark.slow
def test_a_lane_reads_in_a_warm_process_of_its_own_exactly_as_the_calling_thread_would(
        tmp_path: Path, engines: Engines) -> None:
    settings = Settings(data_dir=tmp_path)
    sha = BlobStore(tmp_path / "blobs").put(SAMPLE.read_bytes())
    lanes = reading_lanes(settings, 2)
    assert len({lane.pid() for lane in lanes}) == 2 and os.getpid() not in {lane.pid() for lane in lanes}
    assert all(lane.ocr_version() == engines.ocr.version for lane in lanes)  # warmed: its engine answered
    # Below every API thread (SCHED_IDLE), and at the configured niceness should the class be turned off.
    assert {os.sched_getscheduler(lane.pid() or 0) for lane in lanes} == {os.SCHED_IDLE}
    assert {os.getpriority(os.PRIO_PROCESS, lane.pid() or 0) for lane in lanes} == {10}
    assert reading_lanes(settings, 2) == lanes  # one set of processes per process, shared by every app in it
    there = lanes[1].read(_request(settings, sha), settings)
    here = LocalReader(engines).read(_request(settings, sha), settings)
    assert (there.status, there.kind) == (here.status, here.kind) == ("done", "invoice")
    assert _without_timings(there.result_json) == _without_timings(here.result_json)
    assert set(there.timings) == set(here.timings) and there.timings["ocr"] > 0
    assert (tmp_path / "previews" / "doc_lane" / "p1-full.jpg").is_file()  # drawn by the lane's process


def _interrupted(lane: ProcessReader, settings: Settings, sha: str, interrupt: Callable[[], None]) -> BaseException:
    """What a read raises when `interrupt` runs while the read is on its way or under way (a read takes seconds)."""
    raised: list[BaseException] = []

    def read() -> None:
        try:
            lane.read(_request(settings, sha), settings)
        except Exception as exc:
            raised.append(exc)

    reading = threading.Thread(target=read)
    reading.start()
    time.sleep(0.2)
    interrupt()
    reading.join(timeout=60)
    assert raised, "the read finished before it was interrupted"
    return raised[0]


@pytest.mark.slow
def test_a_lane_whose_process_is_killed_fails_that_document_and_the_next_gets_a_new_process(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    sha = BlobStore(tmp_path / "blobs").put(SAMPLE.read_bytes())
    lane = ProcessReader(99)
    try:
        lane.warm(settings)
        first = lane.pid()
        failure = _interrupted(lane, settings, sha, lambda: os.kill(first or 0, signal.SIGKILL))
        assert isinstance(failure, ReaderFault) and not is_transient(failure)
        assert "killed by signal 9" in str(failure) and SAMPLE.name in str(failure)
        again = lane.read(_request(settings, sha), settings)
        assert again.status == "done" and lane.pid() not in (None, first)
    finally:
        lane.close()


@pytest.mark.slow
def test_a_document_that_overruns_its_time_is_stopped_and_the_lane_reads_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    hurried = settings.model_copy(update={"service": ServiceSettings(read_timeout_s=0.01)})
    sha = BlobStore(tmp_path / "blobs").put(SAMPLE.read_bytes())
    lane = ProcessReader(98)
    try:
        lane.warm(settings)
        first = lane.pid()
        with pytest.raises(ReaderFault, match=r"longer than 0\.01 s"):
            lane.read(_request(hurried, sha), hurried)
        assert lane.pid() is None  # stopped, not left reading
        assert lane.read(_request(settings, sha), settings).status == "done"
        assert lane.pid() not in (None, first)
    finally:
        lane.close()


def test_a_lane_that_cannot_load_its_engine_says_so(tmp_path: Path) -> None:
    broken = Settings(data_dir=tmp_path, ocr=OcrSettings(engine="paddleocr", paddle_model_dir=tmp_path / "none"))
    lane = ProcessReader(97)
    try:
        with pytest.raises(Exception, match=r"(?i)paddle"):
            lane.warm(broken)
    finally:
        lane.close()


@pytest.mark.slow
def test_a_lane_closed_in_the_middle_of_a_document_gives_the_job_back_rather_than_failing_it(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    sha = BlobStore(tmp_path / "blobs").put(SAMPLE.read_bytes())
    lane = ProcessReader(96)
    lane.warm(settings)
    stopped = _interrupted(lane, settings, sha, lane.close)  # as at the service's exit
    assert isinstance(stopped, ReaderStopped) and is_transient(stopped)
    assert lane.pid() is None


@pytest.mark.slow
def test_a_read_that_raises_in_the_process_is_refused_with_the_reason_and_the_process_reads_on(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    sha = BlobStore(tmp_path / "blobs").put(SAMPLE.read_bytes())
    lane = reading_lanes(settings, 1)[0]
    with pytest.raises(ReaderFault, match="FileNotFoundError") as failed:
        lane.read(_request(settings, "0" * 64), settings)  # a blob that is not there
    assert not is_transient(failed.value)  # the same request would fail again: not retried
    assert lane.read(_request(settings, sha), settings).status == "done"
