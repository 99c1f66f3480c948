"""The search index: static files every output's search page reads a few of per query."""
