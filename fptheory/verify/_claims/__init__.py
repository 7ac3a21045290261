"""The package's claims, grouped by the source they come from; importing this package registers them, in the order
the report lists them:

- :mod:`.xu2020`: Xu et al. 2020 — the proofs (Eq. 26, Eqs. 27-31, Theorems 1 and 2), Parseval, the decay constants
  of Theorems 1 and 2, and the experiments of Figs. 1-5 and Sec. 5;
- :mod:`.rahaman2019`: Rahaman et al. 2019 — spectral bias, robustness, noise of a given frequency, the data
  manifold, the spectrum of ReLU networks;
- :mod:`.kernels`: the linearised dynamics (Lee et al. 2019), the ReLU NTK (Bietti and Mairal 2019), the Linear
  Frequency Principle (Zhang et al. 2019);
- :mod:`.overview2024`: the overview's applications (remedies, multi-stage networks, the 2-d image, early stopping,
  the compression phase) and the regularity of the activation (Luo et al. 2019).

Each claim is defined in one place: its thresholds (:class:`fptheory.verify._thresholds.Threshold`, the ledger
rows with their reasons), the statistics it measures, the conditions that decide them, and its registration. Its
negative controls (synthetic statistics that must fail it) are in tests/test_negative_controls.py, which fails for
a claim that has none. The tests run every claim at quick scale through this registry; a full-scale run
(``fptheory verify`` without ``--quick``) uses each experiment's default configuration with the same statistic
and threshold.
"""

import importlib

__all__: list[str] = []

#: the claim modules, in the report's order (each registers its claims when imported)
MODULES = ("xu2020", "rahaman2019", "kernels", "overview2024")

for _module in MODULES:
    importlib.import_module(f"{__name__}.{_module}")
