"""/v1/merchants"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from attest.api.idempotency import idempotent
from attest.api.models import MerchantIn, MerchantOut
from attest.api.problems import COMMON_RESPONSES, Problem
from attest.api.state import PrincipalDep, StateDep
from attest.store.models import Merchant

router = APIRouter(prefix="/v1/merchants", tags=["merchants"], responses=COMMON_RESPONSES)


@router.post("", status_code=201, response_model=MerchantOut,
             responses={409: {"description": "A merchant with this USCC exists in the tenant"}},
             operation_id="createMerchant")
async def create_merchant(body: MerchantIn, request: Request, who: PrincipalDep, state: StateDep) -> JSONResponse:
    """Register a merchant (client and admin keys only)."""
    if who.role not in ("client", "admin"):
        raise Problem(403, "forbidden", "This key cannot create merchants")

    def work() -> JSONResponse:
        with state.db.session() as s:
            if s.scalar(select(Merchant.id).where(Merchant.tenant_id == who.tenant_id,
                                                  Merchant.uscc == body.uscc)) is not None:
                raise Problem(409, "merchant-exists", "A merchant with this USCC exists")
            m = Merchant(tenant_id=who.tenant_id, **body.model_dump())
            s.add(m)
            s.flush()
            out = MerchantOut.model_validate(m)
        return JSONResponse(jsonable_encoder(out), status_code=201)

    return await idempotent(request, who, state.db, lambda: run_in_threadpool(work))


@router.get("/{merchant_id}", response_model=MerchantOut, responses={404: {"description": "No such merchant"}},
            operation_id="getMerchant")
def get_merchant(merchant_id: str, who: PrincipalDep, state: StateDep) -> MerchantOut:
    with state.db.session() as s:
        m = s.get(Merchant, merchant_id)
        if m is None or not who.may_see(m.tenant_id, m.id):
            raise Problem(404, "not-found", "No such merchant")  # another tenant's id reads as absent
        return MerchantOut.model_validate(m)
