"""The inspections router."""

from ninja import Router

router = Router(tags=["inspections"])
