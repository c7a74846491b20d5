"""Signals of the hazards app, for apps that build on it (citizen reports follow their hazard).

`hazard_stepped` is sent inside the step's transaction, after the hazard and its timeline event
are saved: a receiver's writes commit or roll back with the step."""

from __future__ import annotations

from django.dispatch import Signal

# kwargs: hazard (Hazard), event (HazardEvent)
hazard_stepped = Signal()
