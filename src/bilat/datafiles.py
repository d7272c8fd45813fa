"""Parsing bilat's YAML data files, with libyaml's parser where PyYAML has it.

PyYAML's own parser is pure Python: it took 0.11 s of every start-up for ``codebook.yaml``
alone. libyaml's (in PyYAML's wheels) takes 0.012 s and builds the very same objects
(``tests/test_data_files.py``).
"""

from __future__ import annotations

from typing import Any

import yaml

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """The objects of a YAML document, as ``yaml.safe_load`` gives them."""
    return yaml.load(text, Loader=YAML_LOADER)
