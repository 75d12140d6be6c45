"""A plugin whose import fails (for the broken-plugin tests)."""

raise ImportError("dcmcore_broken_import needs libmissing.so")
