"""/review: the queue of cases, those needing a reviewer first."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from attest.api.state import StateDep
from attest.web.queue import AGES, OUTCOMES, STATES, QueueFilter, QueuePage, load_queue
from attest.web.session import UserDep
from attest.web.templating import render

router = APIRouter(prefix="/review", include_in_schema=False)


@router.get("")
async def queue_page(request: Request, state: StateDep, user: UserDep) -> Response:
    f = QueueFilter.from_query(dict(request.query_params))

    def load() -> QueuePage:
        with state.db.session() as s:
            return load_queue(s, user.tenant_id, f, page_size=state.settings.service.review_page_size)

    page = await run_in_threadpool(load)
    return render(request, "queue.html", user.lang, user=user, f=f, page=page, states=STATES, outcomes=OUTCOMES,
                  ages=AGES, link=lambda **change: "/review?" + urlencode(f.query(**change)))
