"""Everything depgate knows about DEP documents: reading, linting, numbering, indexing."""
