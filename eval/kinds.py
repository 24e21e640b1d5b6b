"""Every kind of evidence side by side: `python -m eval.kinds --n 20`.

Generates invoices, contracts, licences, shop photos and other material; prints the classification
confusion matrix, field exact-match per kind, and for each forgery the share flagged by the check meant
for it (recapture also at its false-positive rate on genuine photos).
"""

from __future__ import annotations

import argparse
import io
import json
import random
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PIL import Image, ImageDraw

from attest.cn.fonts import cjk_font
from attest.extract.flat import flat_fields
from attest.pipeline import Engines, ProcessOptions, process_document
from attest.schemas.document import EVIDENCE_KINDS, DocumentResult
from eval.compare import compare_invoice, compare_items, norm
from eval.render.contract import contract_pdf, make_contract, render_contract
from eval.render.licence import make_licence, render_licence
from eval.render.shop import make_shop, render_shop, screen_recapture
from eval.render.statement import make_statement, render_statement
from eval.synth import generate

TODAY = date(2026, 11, 28)
PARTS_KEY = "_parts"  # a file of several documents: each one's truth, in file order
PHENOMENA_KEY = "_phenomena"  # what a hard photo was given (not a field): shown beside its misses
KINDS = (*EVIDENCE_KINDS, "other")


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _other(rng: random.Random) -> tuple[bytes, dict[str, Any]]:
    """Material that is none of the kinds: a notice on paper, or a street with nothing written on it."""
    if rng.random() < 0.5:
        img = Image.new("RGB", (1654, 1200), "white")
        d = ImageDraw.Draw(img)
        font = cjk_font("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 36)
        notice = ["关于春节放假安排的通知", "各位同事：", "根据国家规定，春节假期自二月十日起至十七日止，共八天。",
                  "请各部门提前做好工作安排，假期注意安全。", "行政部"]
        for i, text in enumerate(notice):
            d.text((150, 150 + i * 90), text, font=font, fill=(20, 20, 20))
        return _png(img), {}
    img = Image.new("RGB", (1600, 1200), tuple(rng.randint(60, 160) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randint(0, 1400), rng.randint(0, 1000)
        d.ellipse((x, y, x + rng.randint(50, 300), y + rng.randint(50, 300)),
                  fill=tuple(rng.randint(0, 255) for _ in range(3)))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue(), {}


def _contract(rng: random.Random, _seed: int) -> tuple[bytes, dict[str, Any]]:
    t = make_contract(rng, TODAY)
    if rng.random() < 0.15:  # one scanned file holding two contracts, one after the other
        second = make_contract(rng, TODAY)
        pages = render_contract(t, rng) + render_contract(second, rng)
        return contract_pdf(pages), {PARTS_KEY: [t.flat(), second.flat()]}
    return contract_pdf(render_contract(t, rng)), t.flat()


def _licence(rng: random.Random, _seed: int) -> tuple[bytes, dict[str, Any]]:
    lt = make_licence(rng, TODAY)
    return _png(render_licence(lt, rng)), lt.flat()


def _shop(rng: random.Random, _seed: int) -> tuple[bytes, dict[str, Any]]:
    st = make_shop(rng, datetime(2026, 11, 28, 12))
    return render_shop(st, rng), st.flat()


def _statement(rng: random.Random, _seed: int) -> tuple[bytes, dict[str, Any]]:
    st = make_statement(rng, TODAY)
    return render_statement(st), st.flat()


# Each kind of the registry (`attest/data/kinds.yaml`) and its renderer: a document's bytes and its truth.
RENDERERS: dict[str, Callable[[random.Random, int], tuple[bytes, dict[str, Any]]]] = {
    "invoice": lambda _rng, seed: generate(seed), "contract": _contract, "business_license": _licence,
    "shop_photo": _shop, "statement": _statement,
}


def sample(kind: str, seed: int) -> tuple[bytes, dict[str, Any]]:
    rng = random.Random(f"{kind}:{seed}")
    render = RENDERERS.get(kind)
    return render(rng, seed) if render is not None else _other(rng)


def sample_hard(kind: str, seed: int) -> tuple[bytes, dict[str, Any]]:
    """The same document photographed the hard way (eval/render/hard.py); shop photos and others as they are."""
    from attest.ingest.combine import pages_to_pdf
    from attest.settings import LimitSettings
    from eval.render.hard import choose_phenomena, hard_photo
    from eval.render.invoice import render_invoice
    from eval.render.truth import make_truth

    rng = random.Random(f"hard:{kind}:{seed}")
    if kind == "invoice":
        truth = make_truth(random.Random(seed), TODAY)
        page = render_invoice(truth, rng)
        chosen = choose_phenomena(rng)
        return hard_photo(page, rng, chosen), {**truth.flat(), PHENOMENA_KEY: chosen}
    if kind == "business_license":
        lt = make_licence(rng, TODAY)
        page = render_licence(lt, rng)
        chosen = choose_phenomena(rng)
        return hard_photo(page, rng, chosen), {**lt.flat(), PHENOMENA_KEY: chosen}
    if kind == "contract":  # every page photographed, joined in order as the service joins grouped photos
        t = make_contract(rng, TODAY)
        shots = [hard_photo(page, rng, ("wood", "perspective", "shadow")) for page in render_contract(t, rng)]
        return pages_to_pdf(shots, limits=LimitSettings(), max_side=2000), t.flat()
    return sample(kind, seed)


def document_field_hits(kind: str, result: DocumentResult, want: dict[str, Any]) -> dict[str, bool]:
    """Each judged field of the document read right; a file of several documents by its parts, in order."""
    if PARTS_KEY not in want:
        return kind_field_hits(kind, flat_fields(result), want)
    out = {"parts.count": len(result.parts) == len(want[PARTS_KEY])}
    for n, part_want in enumerate(want[PARTS_KEY]):
        got = flat_fields(result.parts[n]) if n < len(result.parts) else {}
        suffix = f"#{n + 1}" if n else ""  # the first part's fields keep their names
        out.update({f"{key}{suffix}": ok for key, ok in kind_field_hits(kind, got, part_want).items()})
    return out


def kind_field_hits(kind: str, got: dict[str, Any], want: dict[str, Any]) -> dict[str, bool]:
    if kind == "invoice":
        return compare_invoice(got, want)
    out = {k: norm(k, got.get(k)) == norm(k, v) for k, v in want.items() if k != "items"}
    if "items" in want:  # a contract's price table
        out.update(compare_items(got.get("items"), want["items"]))
    return out


def _value(flat: dict[str, Any], field: str) -> Any:
    """A flat field by its compared name; `items.N.key` looks inside the item list."""
    parts = field.split(".")
    if parts[0] != "items" or len(parts) != 3:
        return len(flat.get("items") or []) if field == "items.count" else flat.get(field)
    items = flat.get("items") or []
    n = int(parts[1])
    return items[n].get(parts[2]) if n < len(items) else None


def forgeries(seed: int) -> list[tuple[str, str, bytes]]:
    """(forgery, check code meant to catch it, bytes)."""
    out = []
    rng = random.Random(f"forge:{seed}")
    t = make_contract(rng, TODAY)
    t.words_override = "壹佰圆整" if t.amount != 100 else "贰佰圆整"
    out.append(("contract_words_mismatch", "contract.amount_words", contract_pdf(render_contract(t, rng))))
    t = make_contract(rng, TODAY)
    t.seal_names = (t.party_a[0], "深圳市腾飞贸易有限公司")
    out.append(("contract_foreign_seal", "seal.names_party", contract_pdf(render_contract(t, rng))))
    st = make_shop(rng, datetime(2026, 11, 28, 12))
    shot = render_shop(st, rng)
    out.append(("photo_of_screen", "photo.recapture", screen_recapture(shot, rng)))
    out.append(("edited_exif", "image.editing_software", render_shop(st, rng, software="Adobe Photoshop 25.0")))
    out.append(("stripped_exif", "photo.exif_stripped", render_shop(st, rng, exif=False)))
    lt = make_licence(rng, TODAY)
    lt.uscc = lt.uscc[:-1] + ("0" if lt.uscc[-1] != "0" else "1")
    out.append(("licence_bad_code", "uscc.checksum", _png(render_licence(lt, rng))))
    return out


def run(engines: Engines, n: int, *, hard: bool = False, kinds: tuple[str, ...] = KINDS,
        show_misses: bool = False, forged: bool = True) -> dict[str, Any]:
    opts = ProcessOptions(today=TODAY)
    confusion: Counter[tuple[str, str]] = Counter()
    hits: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    totals: dict[str, Counter[str]] = {k: Counter() for k in KINDS}
    genuine_fails: Counter[str] = Counter()
    for kind in kinds:
        for seed in range(n):
            data, truth = (sample_hard if hard else sample)(kind, seed)
            phenomena = truth.pop(PHENOMENA_KEY, ())
            result = process_document(data, f"{kind}-{seed}", engines=engines, options=opts)
            confusion[(kind, result.classification.kind)] += 1
            fails = [c.code for c in result.checks if c.severity == "fail"]
            genuine_fails.update(fails)
            got = flat_fields(result)
            missed = []
            for field, ok in document_field_hits(kind, result, truth).items():
                name = field.split(".")[-1] if field.startswith("items.") else field.split("#")[0]
                totals[kind][name] += 1
                hits[kind][name] += ok
                if not ok and PARTS_KEY not in truth:
                    missed.append(f"{field}: {_value(got, field)!r} for {_value(truth, field)!r}")
                elif not ok:
                    missed.append(f"{field} (file of {len(truth[PARTS_KEY])}, read {len(result.parts)} parts)")
            if show_misses and (missed or fails or result.classification.kind != kind):
                print(f"{kind}-{seed} [{', '.join(phenomena)}] as {result.classification.kind}"
                      f"{' fails ' + ','.join(fails) if fails else ''}")
                for line in missed:
                    print(f"   {line}")
    caught: Counter[str] = Counter()
    for seed in range(n if forged else 0):
        for name, code, data in forgeries(seed):
            result = process_document(data, name, engines=engines, options=opts)
            caught[name] += any(c.code == code and c.severity in ("fail", "warn") for c in result.checks)
    accuracy = sum(confusion[(k, k)] for k in kinds) / max(sum(confusion.values()), 1)
    return {
        "classification_accuracy": round(accuracy, 4),
        "confusion": {t: {p: confusion[(t, p)] for p in KINDS} for t in KINDS},
        "field_exact_match": {k: round(sum(hits[k].values()) / max(sum(totals[k].values()), 1), 4)
                              for k in KINDS if totals[k]},
        "worst_fields": {k: sorted((round(hits[k][f] / totals[k][f], 3), f) for f in totals[k])[:3]
                         for k in KINDS if totals[k]},
        "forgeries_flagged": {k: round(v / n, 4) for k, v in sorted(caught.items())},
        "fail_checks_on_genuine": dict(genuine_fails),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20, help="documents per kind, and forgeries per kind")
    parser.add_argument("--hard", action="store_true", help="the hard-photos mix: paper on wood or cloth, stacks, "
                        "perspective, shadows, perforations, overlays, low resolution, 90° turns")
    parser.add_argument("--kind", action="append", choices=KINDS, help="only these kinds (repeatable); "
                        "forgeries are then skipped")
    parser.add_argument("--show-misses", action="store_true", help="each document's missed fields, failed "
                        "checks and, for hard photos, what it was given")
    args = parser.parse_args()
    from attest.ocr import create_ocr_engine
    from attest.settings import get_settings

    result = run(Engines(ocr=create_ocr_engine(get_settings().ocr)), args.n, hard=args.hard,
                 kinds=tuple(args.kind or KINDS), show_misses=args.show_misses, forged=not args.kind)
    print(f"{'labelled / predicted':<20}" + "".join(f"{k[:12]:>14}" for k in KINDS))
    for t in KINDS:
        print(f"{t:<20}" + "".join(f"{result['confusion'][t][p]:>14}" for p in KINDS))
    print(json.dumps({k: v for k, v in result.items() if k != "confusion"}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
