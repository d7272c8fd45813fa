"""Annotate: the spaCy pipeline with bilat's own components.

``load_nlp()`` returns spaCy's English pipeline (``en_core_web_sm``) extended with:

- ``bilat_gazetteer``: marks the names bilat knows (countries, demonyms, places,
  organisations, platforms, dialogues, officeholders) in ``doc.spans["bilat"]``, each span's
  ``label_`` the kind and ``kb_id_`` the key in the knowledge base;
- ``bilat_triggers``: marks the words and phrases that can report an event in
  ``doc.spans["triggers"]``, each span's ``label_`` the trigger's id in the codebook.
"""

from __future__ import annotations

from .spacy_import import import_spacy

import_spacy()  # before the modules below import spaCy: without its CLI, langcodes on use

from .components import GAZETTEER_SPANS, TRIGGER_SPANS, load_nlp, model_name  # noqa: E402

__all__ = ["GAZETTEER_SPANS", "TRIGGER_SPANS", "load_nlp", "model_name"]
