"""Shared fixtures: the shared samples folder and the full pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESOURCES = Path(__file__).resolve().parent / "resources"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "samples").is_dir():
        pytest.skip("the shared evaluation folder is not beside the project")
    return SHARED


@pytest.fixture(scope="session")
def extract():
    from bilat import extract as run

    return run


def by_type(events, event_type):
    return [e for e in events if e.type == event_type]


def people(event):
    return {e.name for e in event.actor + event.recipient if e.kind == "person"}
