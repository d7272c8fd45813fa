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
