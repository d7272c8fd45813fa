"""Parsing bilat's YAML data files, with libyaml's parser where PyYAML has it.

PyYAML's own parser is pure Python: it took 0.11 s of every start-up for ``codebook.yaml``
alone. libyaml's (in PyYAML's wheels) takes 0.012 s and builds the very same objects
(``tests/test_data_files.py``).
"""

from __future__ import annotations

from typing import Any

import yaml

YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# What reads the data files, for the keys of what is built from them (``bilat.cache``).
PARSER = f"PyYAML {yaml.__version__} {YAML_LOADER.__name__}"


def parse_yaml(text: str) -> Any:
    """The objects of a YAML document, as ``yaml.safe_load`` gives them."""
    return yaml.load(text, Loader=YAML_LOADER)
