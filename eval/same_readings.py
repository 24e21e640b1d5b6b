"""Does the code read a corpus as an earlier run did? For refactors that must change nothing.

`python -m eval.same_readings RUN --every 9 [--out DIR]` re-reads every ninth document of the corpus that `attest
eval run` wrote RUN from (its `run.json` names it) with the code as it is now, and compares each document's summary
with RUN's: kind, every field, every check with its severity, fingerprints — everything but the timings and the
moment it was read. Prints each document that differs and the count.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from eval.run import _init_worker, load_corpus, run_one, tasks_of

_WHEN = ("timings", "read_at")


def comparable(summary: dict[str, Any]) -> dict[str, Any]:
    """A document's summary without when it was read and how long that took."""
    out = {k: v for k, v in summary.items() if k not in ("wall_s", "timings")}
    result = out.get("result")
    if result:
        out["result"] = {**{k: v for k, v in result.items() if k not in _WHEN},
                         "parts": [{k: v for k, v in p.items() if k not in _WHEN} for p in result.get("parts", [])]}
    return out


def same_readings(run: Path, every: int, out: Path) -> tuple[int, list[str]]:
    """(documents compared, keys of those read differently)."""
    record = json.loads((run / "run.json").read_text(encoding="utf-8"))
    corpus = load_corpus(Path(record["source"]))
    _init_worker(0, record.get("extractor", "rules"))
    differ, compared = [], 0
    for task in tasks_of(corpus, out)[::every]:
        before = run / "docs" / f"{task.key}.json"
        if not before.exists():
            continue
        compared += 1
        if comparable(run_one(task)) != comparable(json.loads(before.read_text(encoding="utf-8"))):
            differ.append(task.key)
    return compared, differ


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="An `attest eval run` folder.")
    parser.add_argument("--every", type=int, default=9, help="Re-read every n-th document.")
    parser.add_argument("--out", type=Path, default=None, help="Where the new readings go (default: a temp folder).")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="same-readings-"))
    compared, differ = same_readings(args.run, args.every, out)
    for key in differ:
        print(f"differs: {key}")
    print(f"identical {compared - len(differ)} of {compared}")


if __name__ == "__main__":
    main()
