"""The disclosure catalogue generator: load config → read items → validate → render → index → write."""
