"""Job targets and the document states that end a job: the small vocabulary the API, the reviewer actions and
the tasks share. It imports nothing, so a route that enqueues a job does not load the engines the job runs."""

from __future__ import annotations

FINAL = ("done", "refused", "grouped")  # grouped: a page whose group was read as one document


def assess_target(application_id: str, round_: int) -> str:
    """The assessment job's target: one job per application and round (a request for more evidence reopens
    the application, and its next submission is assessed again as a new job)."""
    return application_id if round_ == 0 else f"{application_id}~{round_}"


def application_of(target: str) -> str:
    """The application an assessment (or notify) job's target names."""
    return target.split("~", 1)[0]


def reread_target(document_id: str, kind: str, round_: int) -> str:
    """One job per document, kind and round: the same re-read asked again in a later round runs again."""
    return f"{document_id}~{kind}~{round_}"


def parse_document_target(target: str) -> tuple[str, str | None]:
    """(document id, the kind to read it as, or None for a first reading)."""
    document_id, _, rest = target.partition("~")
    return document_id, (rest.split("~", 1)[0] or None) if rest else None
