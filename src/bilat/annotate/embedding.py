"""Word embeddings worked out once per distinct token, not at every occurrence.

The model's networks (the main tok2vec and the NER's own) start by embedding each token
from six of its attributes alone (norm, prefix, suffix, shape, whether a space follows,
whether it is a space): four hash tables, then a maxout layer that mixes their 576 numbers
into 96. That mixing is a third of each network's arithmetic, and news repeats its words:
most tokens of a batch were embedded before. ``memoize_embeddings`` wraps each such
embedding layer so that it computes the vectors of the attribute rows it has not seen and
looks up the others. The vectors are the ones the layer gives (to the last bits of float
rounding, which already vary with how texts share a batch), so the annotations are the
very same (``tests/test_annotate.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy
from spacy.language import Language
from thinc.api import Model

# Distinct attribute rows kept per network before the memo starts again: a long news stream
# meets far more, and memory must stay flat (96 floats a row: 19 MB).
EMBEDDING_MEMO_ROWS = 50_000


class EmbeddingMemo:
    """The vectors of the attribute rows an embedding layer has met, by row."""

    def __init__(self, width: int, capacity: int = EMBEDDING_MEMO_ROWS) -> None:
        self.table = numpy.empty((capacity, width), dtype="float32")
        self.index: dict[bytes, int] = {}

    def vectors(self, features: numpy.ndarray,
                compute: Callable[[numpy.ndarray], numpy.ndarray]) -> numpy.ndarray:
        """The vector of each row of ``features``; ``compute`` embeds the rows not met yet."""
        size = features.shape[1] * features.itemsize
        buffer = numpy.ascontiguousarray(features).tobytes()
        keys = [buffer[start:start + size] for start in range(0, len(buffer), size)]
        missing = self._missing(keys)
        capacity = len(self.table)
        if len(self.index) + len(missing) > capacity:
            self.index.clear()
            missing = self._missing(keys)
            if len(missing) > capacity:  # one batch of more distinct words than the memo holds
                return compute(features)
        if missing:
            start = len(self.index)
            self.table[start:start + len(missing)] = compute(features[list(missing.values())])
            for offset, key in enumerate(missing):
                self.index[key] = start + offset
        index = self.index
        return self.table[[index[key] for key in keys]]

    def _missing(self, keys: list[bytes]) -> dict[bytes, int]:
        """The keys not in the memo, each with the first row that has it, in order."""
        missing: dict[bytes, int] = {}
        for row, key in enumerate(keys):
            if key not in self.index and key not in missing:
                missing[key] = row
        return missing


def memoize_embeddings(nlp: Language) -> int:
    """Wrap every embedding layer of the pipeline's networks in a memo; how many."""
    wrapped = 0
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if not isinstance(model, Model):
            continue
        for node in list(model.walk()):  # walk() is lazy: it would go into each new memo
            for position, layer in enumerate(node.layers):
                if _embeds_from_attributes(layer):
                    node.layers[position] = memoized(layer)
                    wrapped += 1
    return wrapped


def memoized(embed: Model) -> Model:
    """``embed`` (features, then layers that see each token's row alone) behind a memo."""
    return Model(f"memoized({embed.name})", _forward, layers=[embed],
                 dims={"nO": embed.get_dim("nO")},
                 attrs={"memo": EmbeddingMemo(embed.get_dim("nO"))})


def _embeds_from_attributes(layer: Model) -> bool:
    """spaCy's MultiHashEmbed without static vectors: extract_features >> list2ragged >>
    hash tables >> maxout >> ragged2list, nothing in it looking beyond its token."""
    names = [child.name for child in layer.layers]
    return len(names) == 5 and names[0] == "extract_features" and names[1] == "list2ragged" \
        and names[-1] == "ragged2list" and layer.has_dim("nO") is True


def _forward(model: Model, docs: list[Any], is_train: bool) -> tuple[list[Any], Callable]:
    embed = model.layers[0]
    if is_train:
        return embed(docs, is_train)
    extract, *per_row = embed.layers

    def compute(rows: numpy.ndarray) -> numpy.ndarray:
        vectors: Any = [rows]
        for layer in per_row:
            vectors = layer.predict(vectors)
        return vectors[0]

    features = extract.predict(docs)
    lengths = [len(f) for f in features]
    if not sum(lengths):
        return embed.predict(docs), _no_gradient
    vectors = model.attrs["memo"].vectors(numpy.concatenate(features), compute)
    return numpy.split(vectors, numpy.cumsum(lengths)[:-1]), _no_gradient


def _no_gradient(gradient: Any) -> list:
    return []
