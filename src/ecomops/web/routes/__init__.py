"""One router per page family, and the JSON API; ``ROUTERS`` is what ``create_app`` mounts."""

from __future__ import annotations

from ecomops.web.routes import (
    account,
    admin,
    api,
    auth,
    data,
    insight,
    inventory,
    meta,
    reports,
    sales,
    tasks,
)

ROUTERS = [meta.router, auth.router, insight.router, sales.router, inventory.router, tasks.router,
           reports.router, data.router, admin.router, account.router, api.router, inventory.api_router]
