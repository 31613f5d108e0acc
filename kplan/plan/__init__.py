"""The plan: what applying the manifests would do to a recorded cluster, as plain data."""
