"""The content contract's rules: validation, approvals, lifecycle, confidentiality."""
