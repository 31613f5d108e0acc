"""kplan: what would these Kubernetes manifests do to that cluster? Answered offline."""

__version__ = "0.1.0"
