"""What an item page gives the search index (search/): the text a search must find it by."""

from __future__ import annotations

from .views import ItemView


def searchable_text(view: ItemView) -> str:
    """Everything a visitor reads on an item page, which a search should find."""
    return "\n".join(searchable_parts(view))


def searchable_parts(view: ItemView) -> list[str]:
    """The searchable text's parts, none empty: title, summary, body, the rest."""
    parts = [
        view.title,
        view.summary,
        view.body_text,
        *(a.title for a in view.attachments),
        *(c.note for c in view.changes),
        view.index_no,
        view.doc_no or "",
        " ".join(view.keywords),
        view.category_name,
        view.owner_name,
    ]
    return [p for p in parts if p]
