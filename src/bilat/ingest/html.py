"""HTML pages to Documents: main text and metadata through trafilatura."""

from __future__ import annotations

from typing import Any

from ..errors import problem
from ..records import Document, Problem

# trafilatura's XML: these elements hold blocks, not running text.
_CONTAINERS = {"list", "quote", "table", "row", "div", "section"}
_DATE_PARAMS = {
    # Extensive search falls back to the copyright year and reports it as 1 January.
    "extensive_search": False,
    "original_date": True,
}


def html_document(markup: str, doc_id: str, path: str | None) -> Document | Problem:
    """The page's main text, paragraphs joined by blank lines, or a B108 Problem."""
    # Imported here: trafilatura is slow to import and only HTML inputs need it.
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            markup, with_metadata=True, include_comments=False, include_tables=False,
            include_images=False, include_links=False, include_formatting=False,
            date_extraction_params=_DATE_PARAMS)
    except Exception as err:  # a broken page must not stop the run
        return problem("B108", f"extraction failed ({type(err).__name__})", path)
    body = getattr(result, "body", None)
    if result is None or body is None:
        return problem("B108", "", path)
    title = _clean(getattr(result, "title", None))
    paragraphs = [p for child in body for p in _blocks(child)]
    if title and paragraphs and _same(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    if not paragraphs:
        return problem("B108", "", path)
    return Document(id=doc_id, text="\n\n".join(paragraphs), format="html", title=title,
                    date=_clean(getattr(result, "date", None)),
                    url=_clean(getattr(result, "url", None)),
                    outlet=_clean(getattr(result, "sitename", None)), path=path)


def _blocks(element: Any) -> list[str]:
    if element.tag in _CONTAINERS or any(child.tag in _CONTAINERS for child in element):
        out = [text for text in [_squash(element.text)] if text]
        for child in element:
            out.extend(_blocks(child))
            tail = _squash(child.tail)
            if tail:
                out.append(tail)
        return out
    text = _squash(_inline(element))
    return [text] if text else []


def _inline(element: Any) -> str:
    parts = [element.text or ""]
    for child in element:
        # a line break inside a paragraph separates words; itertext would glue them
        parts.append(" " if child.tag == "lb" else _inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _squash(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _clean(value: str | None) -> str | None:
    return _squash(value) or None


def _same(a: str, b: str) -> bool:
    return a.casefold().strip(" .:") == b.casefold().strip(" .:")
