"""The pure core: knowledge, matching and answers. Nothing here imports discord."""
