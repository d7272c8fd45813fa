"""Resolve: event candidates -> mentions with canonical people, countries, dates and money.

- ``mentions.resolve_candidates``: one annotated article's candidates, in reading order;
- ``people``: who a name, short form, misspelling or pronoun refers to across an article;
- ``dates``: date expressions resolved against the publication date, at their precision;
- ``money``: amounts normalised to a value and an ISO 4217 currency.

The package imports nothing heavy itself, so ``clean`` can use ``dates`` cheaply.
"""
