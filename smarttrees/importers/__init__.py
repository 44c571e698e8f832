"""Survey files: read, propose a column mapping, convert rows, report problems. Pure."""
