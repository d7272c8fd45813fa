"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..records import Event

if TYPE_CHECKING:
    from ..evaluation import Report


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = [[str(c) for c in headers]] + [[("" if c is None else str(c)) for c in r]
                                           for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for number, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _who(entities) -> str:
    return ", ".join(e.name for e in entities) or "-"


def _what(event: Event) -> str:
    parts = []
    if event.amount:
        parts.append(f"{event.amount.currency} {event.amount.value:,.0f}")
    if event.quantity:
        parts.append(f"x{event.quantity}")
    forum = event.extra.get("forum") if event.type == "MEETING" else None
    for value in (event.platform, event.agreement, forum):
        if value:
            parts.append(value)
    if event.status:
        parts.append(event.status)
    return "; ".join(parts)


def event_table(events: Sequence[Event]) -> str:
    rows = []
    for event in events:
        date = event.date or "?"
        if event.end_date:
            date = f"{date}/{event.end_date}"
        sentence = event.sources[0].sentence
        rows.append([date, event.type, "-".join(event.countries),
                     f"{_who(event.actor)} -> {_who(event.recipient)}", _what(event),
                     sentence[:70] + ("…" if len(sentence) > 70 else "")])
    return _table(["date", "type", "countries", "who", "what", "source"], rows) + \
        f"\n\n{len(events)} events"


def eval_tables(reports: Sequence[Report]) -> str:
    blocks = []
    for report in reports:
        merge = report.extra.get("merge")
        if isinstance(merge, dict):
            blocks.append(f"== merge across sources ({report.documents} documents)\n" + _table(
                ["", "value"], [[k.replace("_", " "), v] for k, v in merge.items()]))
            continue
        rows = []
        for name, score in sorted(report.by_type.items()):
            rows.append([name, f"{score.precision:.3f}", f"{score.recall:.3f}",
                         f"{score.f1:.3f}", score.tp, score.fp, score.fn])
        total = report.overall
        rows.append(["ALL EVENTS", f"{total.precision:.3f}", f"{total.recall:.3f}",
                     f"{total.f1:.3f}", total.tp, total.fp, total.fn])
        for name, score in report.fields.items():
            rows.append([f"field: {name}", f"{score.precision:.3f}", f"{score.recall:.3f}",
                         f"{score.f1:.3f}", score.tp, score.fp, score.fn])
        block = [f"== {report.corpus} ({report.documents} documents)",
                 _table(["", "precision", "recall", "F1", "tp", "fp", "fn"], rows)]
        rates = report.extra.get("false_event_rate")
        if isinstance(rates, dict):
            for key in ("conflict", "other"):
                if key in rates:
                    r = rates[key]
                    block.append(f"false-event rate ({key} categories): {r['rate']:.1%} "
                                 f"({r['with_event']} of {r['sentences']} sentences)")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks)
