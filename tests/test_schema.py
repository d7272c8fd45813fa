"""Every event bilat prints is valid against the published JSON Schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

pytestmark = pytest.mark.model


def test_demo_events_validate_against_the_schema():
    from bilat.evaluation import demo_dir
    from bilat.pipeline import process_paths

    schema = json.loads((resources.files("bilat") / "schema" / "event.schema.json")
                        .read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    count = 0
    for result in process_paths([str(demo_dir() / "articles")]):
        for event in result.events:
            record = json.loads(json.dumps(event.to_dict()))
            errors = sorted(validator.iter_errors(record), key=str)
            assert not errors, (record, errors[0].message)
            count += 1
    assert count >= 40


def test_an_event_as_a_dict_is_what_dataclasses_make_of_it():
    """``Event.to_dict`` skips ``dataclasses.asdict``'s deep copies, not its content."""
    from dataclasses import asdict

    from bilat.evaluation import demo_dir
    from bilat.pipeline import process_paths

    events = [event for result in process_paths([str(demo_dir() / "articles")])
              for event in result.events]
    assert any(e.amount for e in events) and any(e.location for e in events)
    for event in events:
        expected = asdict(event)
        expected.pop("extra")
        for key in ("actor", "recipient", "countries", "sources"):
            expected[key] = list(expected[key])
        ours = event.to_dict()
        assert ours == expected
        assert list(ours)[:2] == ["id", "schema_version"]
        assert all(type(ours[key]) is list for key in ("actor", "recipient", "countries",
                                                       "sources"))
