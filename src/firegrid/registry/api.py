"""/api/v1/ registry endpoints: places, buildings, households, residents, fire resources."""

from ninja import Router

router = Router(tags=["registry"])
