"""Layer 5: one module per experiment — a config dataclass in, a result dataclass out, a plot function."""
