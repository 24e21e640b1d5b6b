from __future__ import annotations

from attest.store.db import Database
from attest.store.models import Application, Merchant, Tenant


def new_application(db: Database) -> str:
    """A tenant, its merchant and an open application, committed; the application's id."""
    with db.session() as s:
        tenant = Tenant(name="bank")
        s.add(tenant)
        s.flush()
        merchant = Merchant(tenant_id=tenant.id, name="兰溪市悦济舫餐厅", uscc="92330781MA2EDMFU50")
        s.add(merchant)
        s.flush()
        app = Application(tenant_id=tenant.id, merchant_id=merchant.id)
        s.add(app)
        s.flush()
        return app.id
