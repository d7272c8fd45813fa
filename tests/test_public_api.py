"""The public surface is small and deliberate."""

from __future__ import annotations

import bilat


def test_exported_names_are_exactly_the_intended_ones():
    assert sorted(bilat.__all__) == sorted([
        "SCHEMA_VERSION", "Amount", "Article", "Document", "Entity", "Event", "Location",
        "Problem", "Result", "SourceRef", "__version__", "extract", "extract_many",
        "process_paths",
    ])
    for name in bilat.__all__:
        assert getattr(bilat, name) is not None


def test_records_are_frozen():
    import dataclasses

    import pytest

    entity = bilat.Entity(name="Rajnath Singh", kind="person", country="IND")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entity.name = "someone else"  # type: ignore[misc]
