"""Dashboard pages: the landing page by role, "today" for field workers, overviews per level."""
