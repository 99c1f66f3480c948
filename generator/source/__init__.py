"""The inputs: line-aware YAML, the schema, catalog.yaml, item files and their digests."""
