"""/api/v1/ledgers: Excel ledger (台账) import jobs, templates and exports."""

from ninja import Router

router = Router(tags=["ledgers"])
