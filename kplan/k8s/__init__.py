"""Kubernetes' own rules, re-implemented from the upstream source: names, labels, quantities."""
