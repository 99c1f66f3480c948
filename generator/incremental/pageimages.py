"""The kiosk's PDF page images kept between builds, by the PDF's digest.

Rendering a PDF's pages is the slowest part of a kiosk build, and CI restores
``.cache/`` between runs, so an unchanged PDF is rendered once. The images are
what visitors see, so a cache file that anyone else wrote (committed, or from
another machine's artifact) must never be shown: each file is sealed with this
user's key like every other cache (sealed.py, docs/security.md), and one that
does not verify is rendered again.
"""

from __future__ import annotations

from pathlib import Path

from ..site.documents import PAGE_WIDTH, PageImages, RenderedPdf
from .sealed import opened_sealed, unpickled, write_sealed

CACHE_DIR = Path(".cache/catalogue/pdf-pages")  # under the catalogue's root
VERSION = 1


class SealedPageImages(PageImages):
    """PDF page images in sealed files under ``root``/CACHE_DIR, one per PDF and limit."""

    def __init__(self, root: Path) -> None:
        self.folder = root.resolve() / CACHE_DIR

    def _file(self, digest: str, limit: int) -> Path:
        return self.folder / f"{digest}-{limit}-{PAGE_WIDTH}.pickle"

    def known(self, digest: str, limit: int) -> RenderedPdf | None:
        try:
            with opened_sealed(self._file(digest, limit)) as stream:
                header = unpickled(stream)
                if header != {"version": VERSION, "pdf": digest, "limit": limit}:
                    return None
                count, images = unpickled(stream)
        except Exception:  # missing, truncated, foreign or unsealed: render again
            return None
        if not (isinstance(count, int) and all(isinstance(i, bytes) for i in images)):
            return None
        return RenderedPdf(count, tuple(images))

    def keep(self, digest: str, limit: int, rendered: RenderedPdf) -> None:
        header = {"version": VERSION, "pdf": digest, "limit": limit}
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_sealed(self._file(digest, limit), [header, (rendered.count, rendered.images)])
        except OSError:  # a read-only checkout: the next build renders again
            pass
