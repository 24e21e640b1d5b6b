"""The known-pattern store over ChromaDB: every processed document's fingerprint, known templates and
industry benchmarks.

Embedded (`PersistentClient` under the data directory) by default; a Chroma server (`HttpClient`) when a URL
is set. Collections:
- `attest_exact_keys`: postings of exact identities (`file:<sha256>` of every document, `invoice:<number>` of
  every read invoice) with who submitted them. A posting's id is `<key>#<slot>`, so a lookup is a `get` by id
  (an index probe), never a metadata scan or a similarity search; see `_post` for how slots are claimed.
- `attest_photo_hashes`: seven crop hashes per photo as ±1 vectors in L2 space (squared distance = 4 × Hamming
  bits), the shortlist for near-duplicate photos; the whole-picture record also carries the thumbnail that
  confirms a candidate.
- `attest_texts`: contracts' masked text under our n-gram embedder.
- `attest_known_templates`: forged and genuine templates from versioned seed files (text or exact keys).
- `attest_benchmarks`: industry × city tier norms from a versioned seed file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings as ChromaSettings

from attest.errors import EngineUnavailable
from attest.patterns.embed import NgramHashEmbedder, OpenAIEmbedder, bits_vector
from attest.patterns.keys import document_keys
from attest.patterns.seeds import Seeds
from attest.schemas.document import DocumentResult
from attest.settings import PatternSettings

Meta = dict[str, str | int | float | bool]
# Neighbours asked for beyond `limit`, so that dropping the application's own documents leaves enough.
_OWN_MARGIN = 4
# Postings of one key read per round trip; a key held by more documents is read in further rounds.
_SLOTS = 8
# Rounds of claiming a slot before giving up: each lost round means another writer took the slot meanwhile.
_CLAIM_ROUNDS = 16


@dataclass(frozen=True)
class Submission:
    """Who submitted documents, and when: the earlier of two submissions is the presumed original."""

    merchant: str
    merchant_uscc: str
    merchant_name: str
    application: str
    submitted_at: str  # ISO 8601


@dataclass(frozen=True)
class Hit:
    """A stored document that matched: who submitted it, and the measure it matched by."""

    document: str
    merchant: str
    merchant_uscc: str
    merchant_name: str
    application: str
    submitted_at: str
    key: str = ""
    holder: str = ""  # a statement's printed holder
    distance: float = 0.0
    payload: str = ""  # the thumbnail or text that confirms the match


@dataclass(frozen=True)
class Template:
    id: str
    verdict: str  # forged | genuine
    doc_kind: str
    rationale: str
    text: str
    key: str


@dataclass(frozen=True)
class Benchmark:
    industry: str
    tier: int
    monthly_revenue_low: float
    monthly_revenue_high: float
    invoice_typical_high: float
    source: str


def embedder_from(settings: PatternSettings) -> EmbeddingFunction[Documents]:
    if settings.embedder == "openai":
        if not settings.embed_base_url or not settings.embed_model:
            raise EngineUnavailable("the openai embedder needs ATTEST_PATTERNS__EMBED_BASE_URL and __EMBED_MODEL")
        return OpenAIEmbedder(settings.embed_base_url, settings.embed_model, settings.embed_api_key)
    return NgramHashEmbedder()


def client_from(settings: PatternSettings, data_dir: Path) -> ClientAPI:
    # Telemetry off: an air-gapped deployment must not try to phone home.
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        try:
            return chromadb.HttpClient(host=url.hostname or "127.0.0.1", port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=chroma_settings)
        except ValueError as exc:  # what chromadb raises when nothing answers at the URL
            raise EngineUnavailable(f"pattern store: no Chroma server at {settings.chroma_url}: {exc}") from exc
    path = settings.path or data_dir / "patterns"
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except (OSError, ValueError) as exc:
        raise EngineUnavailable(f"pattern store: cannot open {path}: {exc}") from exc


def _key_vector(key: str) -> list[float]:
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest()
    return [1.0 if (digest[i // 8] >> (i % 8)) & 1 else -1.0 for i in range(8)]


def _where(clause: dict[str, Any]) -> Any:
    """A metadata filter; chroma's `Where` type is stricter than the dicts it accepts at run time."""
    return clause


def _submission_meta(sub: Submission, document: str) -> Meta:
    return {"document": document, "merchant": sub.merchant, "merchant_uscc": sub.merchant_uscc,
            "merchant_name": sub.merchant_name, "application": sub.application, "submitted_at": sub.submitted_at}


def _hit(meta: Any, **extra: Any) -> Hit:
    return Hit(document=str(meta["document"]), merchant=str(meta["merchant"]), merchant_uscc=str(meta["merchant_uscc"]),
               merchant_name=str(meta["merchant_name"]), application=str(meta["application"]),
               submitted_at=str(meta["submitted_at"]), **extra)


class PatternStore:
    """One handle on the five collections; safe to share within a process (Chroma clients are)."""

    def __init__(self, client: ClientAPI, embedder: EmbeddingFunction[Documents]) -> None:
        self.client = client
        ef: Any = embedder  # chroma types the function over documents or images; ours embed text
        # Contract texts come in clusters of near-copies (one template, other amounts). With Chroma's default HNSW
        # (ef 100, 16 neighbours) an exact copy was sometimes unreachable in such a cluster (1 in 28 on 3 of 6
        # runs of the store test); a wider graph and search found every one in 24 runs.
        cosine: Any = {"hnsw": {"space": "cosine", "ef_search": 400, "ef_construction": 400, "max_neighbors": 32}}
        # Postings are found by id; their vector is a cheap hash of the key, never searched.
        self.keys = client.get_or_create_collection("attest_exact_keys", embedding_function=None,
                                                    configuration={"hnsw": {"space": "l2"}})
        # Vectors are given explicitly; no embedding function may ever be called on this collection.
        self.photos = client.get_or_create_collection("attest_photo_hashes", embedding_function=None,
                                                      configuration={"hnsw": {"space": "l2"}})
        self.texts = client.get_or_create_collection("attest_texts", embedding_function=ef,
                                                     configuration=cosine)
        self.known = client.get_or_create_collection("attest_known_templates", embedding_function=ef,
                                                     configuration=cosine)
        self.benchmarks = client.get_or_create_collection("attest_benchmarks", embedding_function=ef,
                                                          configuration=cosine)

    @classmethod
    def open(cls, settings: PatternSettings, data_dir: Path, *, seeds: Seeds | None = None) -> PatternStore:
        """Open (creating if needed) and make sure the packaged seed files are loaded."""
        store = cls(client_from(settings, data_dir), embedder_from(settings))
        store.load_seeds(seeds or Seeds.packaged())
        return store

    COLLECTIONS = ("attest_exact_keys", "attest_photo_hashes", "attest_texts", "attest_known_templates",
                   "attest_benchmarks")

    @classmethod
    def drop_all(cls, client: ClientAPI) -> None:
        """Delete every attest collection: for evaluation runs and tests, which must start empty."""
        existing = {c.name for c in client.list_collections()}
        for name in cls.COLLECTIONS:
            if name in existing:
                client.delete_collection(name)

    # -- writing ---------------------------------------------------------------------------------------

    def remember(self, sub: Submission, documents: Sequence[DocumentResult]) -> int:
        """Store the fingerprints of an application's documents; idempotent (ids are derived or claimed once)."""
        postings: list[tuple[str, Meta]] = []
        photo_ids, photo_vecs, photo_docs, photo_meta = [], [], [], []
        text_ids, text_docs, text_meta = [], [], []
        for doc in documents:
            base = _submission_meta(sub, doc.document_id)
            ev = doc.invoice
            st = doc.statement
            meta: Meta = {**base, "kind": doc.classification.kind,
                          "seller_tax_id": ev.seller_tax_id.value if ev and ev.seller_tax_id else "",
                          "buyer_tax_id": ev.buyer_tax_id.value if ev and ev.buyer_tax_id else "",
                          "holder": st.holder_name.value if st and st.holder_name else ""}
            postings.extend((key, {**meta, "key": key}) for key in document_keys(doc))
            fp = doc.fingerprint
            if fp is not None and fp.image_hashes:
                for i, h in enumerate(fp.image_hashes):
                    photo_ids.append(f"photo|{sub.application}|{doc.document_id}|{i}")
                    photo_vecs.append(bits_vector(h))
                    photo_docs.append(fp.thumbnail or "" if i == 0 else "")
                    photo_meta.append({**base, "variant": i, "hash": h})
            if fp is not None and fp.text:
                text_ids.append(f"text|{sub.application}|{doc.document_id}")
                text_docs.append(fp.text)
                text_meta.append({**base, "kind": doc.classification.kind})
        posted = self._post(postings)
        if photo_ids:
            self.photos.upsert(ids=photo_ids, embeddings=photo_vecs, documents=photo_docs,  # type: ignore[arg-type]
                               metadatas=photo_meta)  # type: ignore[arg-type]
        if text_ids:
            self.texts.upsert(ids=text_ids, documents=text_docs, metadatas=text_meta)  # type: ignore[arg-type]
        return posted + len(photo_ids) + len(text_ids)

    def _postings(self, keys: Iterable[str]) -> dict[str, list[Any]]:
        """Every posting of each key, in slot order: slots are filled densely from 0, so read until a gap."""
        found: dict[str, list[Any]] = {k: [] for k in keys}
        open_keys, first = sorted(found), 0
        while open_keys:
            ids = [f"{k}#{first + i}" for k in open_keys for i in range(_SLOTS)]
            got = self.keys.get(ids=ids, include=["metadatas"])
            by_id = dict(zip(got["ids"], got["metadatas"] or [], strict=True))
            still_open = []
            for k in open_keys:
                metas = [by_id[i] for i in (f"{k}#{first + n}" for n in range(_SLOTS)) if i in by_id]
                found[k].extend(metas)
                if len(metas) == _SLOTS:
                    still_open.append(k)
            open_keys, first = still_open, first + _SLOTS
        return found

    def _post(self, postings: Sequence[tuple[str, Meta]]) -> int:
        """Claim a slot for each (key, document) not yet posted; returns how many were new.

        Chroma has no transactions, but `add` never overwrites an existing id: of two writers claiming the same
        slot, the first one applied keeps it. So each writer adds at the first free slot it saw, reads the slot
        back, and tries the next free slot if another document holds it. No posting is ever lost or doubled.
        """
        pending = list({(k, str(m["application"]), str(m["document"])): (k, m) for k, m in postings}.values())
        new = 0
        for _ in range(_CLAIM_ROUNDS):
            if not pending:
                return new
            held = self._postings(k for k, _ in pending)
            claims: dict[str, tuple[str, Meta]] = {}
            for key, meta in pending:
                if any(h["application"] == meta["application"] and h["document"] == meta["document"]
                       for h in held[key]):
                    continue  # posted by an earlier call: remembering is idempotent
                slot = len(held[key]) + sum(1 for c in claims.values() if c[0] == key)
                claims[f"{key}#{slot}"] = (key, meta)
            if not claims:
                return new
            ids = list(claims)
            self.keys.add(ids=ids, embeddings=[_key_vector(claims[i][0]) for i in ids],  # type: ignore[arg-type]
                          metadatas=[claims[i][1] for i in ids])
            back = self.keys.get(ids=ids, include=["metadatas"])
            kept = dict(zip(back["ids"], back["metadatas"] or [], strict=True))
            pending = []
            for i, (key, meta) in claims.items():
                m = kept.get(i)
                if m is not None and m["application"] == meta["application"] and m["document"] == meta["document"]:
                    new += 1
                else:
                    pending.append((key, meta))
        raise EngineUnavailable(f"pattern store: could not claim a key slot in {_CLAIM_ROUNDS} rounds "
                                "(too many concurrent writers on the same key)")

    def load_seeds(self, seeds: Seeds) -> dict[str, int]:
        """Upsert the seed files' templates and benchmarks (idempotent: ids come from the files)."""
        templates = seeds.templates()
        if templates:
            self.known.upsert(
                ids=[t["id"] for t in templates],
                documents=[t.get("text") or t.get("key") or t["id"] for t in templates],
                metadatas=[{"verdict": t["verdict"], "doc_kind": t["doc_kind"], "rationale": t["rationale"],
                            "key": t.get("key") or "", "text": t.get("text") or "", "seed": t["seed"]}
                           for t in templates])
        bench = seeds.benchmarks()
        if bench:
            self.benchmarks.upsert(
                ids=[f"{b['industry']}:{b['tier']}" for b in bench],
                documents=[f"{b['industry']} tier {b['tier']}" for b in bench],
                metadatas=[{k: v for k, v in b.items() if v is not None} for b in bench])
        return {"templates": len(templates), "benchmarks": len(bench)}

    # -- reading ---------------------------------------------------------------------------------------

    def find_keys(self, keys: Iterable[str], *, exclude_application: str) -> list[Hit]:
        """Stored documents with one of these exact keys (`invoice:…`, `flows:<month>:…` or `file:<sha256>`)."""
        return [_hit(m, key=key, payload=f"{m['seller_tax_id']}|{m['buyer_tax_id']}", holder=str(m.get("holder", "")))
                for key, metas in self._postings(set(keys)).items() for m in metas
                if m["application"] != exclude_application]

    def photo_candidates(self, hashes: Sequence[str], *, exclude_application: str, limit: int,
                         max_bits: int) -> list[Hit]:
        """Stored photos whose best crop pair is within `max_bits`, closest first, with their thumbnails."""
        count = self.photos.count()
        if not hashes or count == 0:
            return []
        # No metadata filter in the query: Chroma resolves a filter by listing every matching id first, which
        # grows with the store. The application's own few photos are dropped here instead, so ask for a
        # margin of extra neighbours. Only ids and distances come back (the id names application, document and
        # variant); metadata and thumbnails are read by id for the few that survive.
        got = self.photos.query(query_embeddings=[bits_vector(h) for h in hashes],  # type: ignore[arg-type]
                                n_results=min(count, limit + _OWN_MARGIN), include=["distances"])
        best: dict[tuple[str, str], int] = {}
        for ids, dists in zip(got["ids"], got["distances"] or [], strict=True):
            for id_, dist in zip(ids, dists, strict=True):
                bits = round(dist / 4)  # squared L2 between ±1 vectors = 4 × differing bits
                application, document, _variant = id_.removeprefix("photo|").rsplit("|", 2)
                if application == exclude_application or bits > max_bits:
                    continue
                best[application, document] = min(bits, best.get((application, document), bits))
        ranked = sorted(best.items(), key=lambda b: (b[1], b[0][1]))[:limit]
        if not ranked:
            return []
        ids = [f"photo|{application}|{document}|0" for (application, document), _ in ranked]
        whole = self.photos.get(ids=ids, include=["documents", "metadatas"])
        by_id = dict(zip(whole["ids"], zip(whole["metadatas"] or [], whole["documents"] or [], strict=True),
                         strict=True))
        return [_hit(by_id[i][0], distance=float(bits), payload=by_id[i][1] or "")
                for i, (_, bits) in zip(ids, ranked, strict=True) if i in by_id]

    def text_candidates(self, text: str, *, exclude_application: str, limit: int) -> list[Hit]:
        count = self.texts.count()
        if not text or count == 0:
            return []
        got = self.texts.query(query_texts=[text], n_results=min(count, limit + _OWN_MARGIN),
                               include=["metadatas", "documents", "distances"])
        metas, docs, dists = (got["metadatas"] or [[]])[0], (got["documents"] or [[]])[0], (got["distances"] or [[]])[0]
        return [_hit(m, distance=float(d), payload=t or "") for m, t, d in zip(metas, docs, dists, strict=True)
                if m["application"] != exclude_application][:limit]

    def templates_like(self, text: str, *, doc_kind: str, limit: int = 5) -> list[Template]:
        if not text or self.known.count() == 0:
            return []
        got = self.known.query(query_texts=[text], n_results=min(self.known.count(), limit),
                               where=_where({"$and": [{"doc_kind": doc_kind}, {"text": {"$ne": ""}}]}),
                               include=["metadatas"])
        return [self._template(i, m) for i, m in zip(got["ids"][0], (got["metadatas"] or [[]])[0], strict=True)]

    def templates_keyed(self, keys: Iterable[str]) -> list[Template]:
        wanted = sorted(set(keys))
        if not wanted:
            return []
        got = self.known.get(where=_where({"key": {"$in": wanted}}), include=["metadatas"])
        return [self._template(i, m) for i, m in zip(got["ids"], got["metadatas"] or [], strict=True)]

    @staticmethod
    def _template(id_: str, m: Any) -> Template:
        return Template(id=id_, verdict=str(m["verdict"]), doc_kind=str(m["doc_kind"]), rationale=str(m["rationale"]),
                        text=str(m["text"]), key=str(m["key"]))

    def benchmark(self, industry: str, tier: int) -> Benchmark | None:
        got = self.benchmarks.get(ids=[f"{industry}:{tier}"], include=["metadatas"])
        if not got["metadatas"]:
            return None
        m = got["metadatas"][0]
        return Benchmark(industry=str(m["industry"]), tier=int(m["tier"]),  # type: ignore[arg-type]
                         monthly_revenue_low=float(m["monthly_revenue_low"]),  # type: ignore[arg-type]
                         monthly_revenue_high=float(m["monthly_revenue_high"]),  # type: ignore[arg-type]
                         invoice_typical_high=float(m["invoice_typical_high"]),  # type: ignore[arg-type]
                         source=str(m["source"]))

    def stats(self) -> dict[str, int]:
        return {c.name: c.count() for c in (self.keys, self.photos, self.texts, self.known, self.benchmarks)}
