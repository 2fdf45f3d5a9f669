"""The MkDocs adapter: wires the pure core into MkDocs' build events."""
