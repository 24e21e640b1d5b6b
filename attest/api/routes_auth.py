"""/v1/auth/login: a reviewer's password for a session key (used as `Authorization: Bearer …`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from attest.api.accounts import SESSION_HOURS, login
from attest.api.problems import COMMON_RESPONSES
from attest.api.state import StateDep

router = APIRouter(prefix="/v1/auth", tags=["auth"], responses=COMMON_RESPONSES)


class LoginIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"tenant_id": "tnt_2c4c7cbb923e102fd5c5",
                                                               "username": "li.na", "password": "…"}]})

    tenant_id: str = Field(max_length=40)
    username: str = Field(max_length=80)
    password: str = Field(max_length=200)


class SessionOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"token": "atk_…", "role": "reviewer",
                                                               "expires_in_s": SESSION_HOURS * 3600}]})

    token: str
    role: str
    expires_in_s: int


@router.post("/login", response_model=SessionOut, operation_id="login")
async def login_route(body: LoginIn, state: StateDep) -> SessionOut:
    """Exchange a reviewer's password for a session key valid for a working day."""
    token, role = await run_in_threadpool(login, state.db, tenant_id=body.tenant_id, username=body.username,
                                          password=body.password)
    return SessionOut(token=token, role=role, expires_in_s=SESSION_HOURS * 3600)
