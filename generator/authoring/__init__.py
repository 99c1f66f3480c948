"""Tools for section staff: new items, pending approvals, the live preview, generated files."""
