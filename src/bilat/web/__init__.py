"""The analyst's workbench: server-rendered pages over ``bilat.query`` (see ``pages``)."""
