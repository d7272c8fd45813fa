"""bilat's REST API (FastAPI) under /api/v1, and the server that also serves the pages."""

from .app import Settings, create_app

__all__ = ["Settings", "create_app"]
