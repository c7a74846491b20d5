"""Pages of the inspections app: office pages (tasks, calendar, coverage, staffing) and the
field pages for phones (inspection form, patrol check-in)."""
