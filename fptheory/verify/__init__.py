"""``fptheory verify``: a registry of the F-Principle claims the package checks, each with its statement, full
citation, statistic and threshold, the code that computes and judges it, and a verdict with evidence (numbers
and, where there is one, a figure).

A claim is registered once (:func:`register`) as a :class:`Claim`. :func:`verify` runs the selected claims in
worker processes (independent claims in parallel), caches each outcome under (claim, settings, package
version) and the hashes of the code that decided it, and writes ``result.json``, ``report.md`` and a
self-contained ``report.html``; :func:`fptheory.verify._report.results_page` renders docs/results.md from such
runs. A claim whose check finds the statement false is a result ("fails"); one whose check raises is an
"error"; neither stops the others.
"""

from fptheory.verify._registry import CLAIMS, Claim, Evidence, Source, load_builtin, register
from fptheory.verify._runner import Outcome, exit_status, verify

__all__ = ["CLAIMS", "Claim", "Evidence", "Source", "load_builtin", "register", "Outcome", "verify", "exit_status"]
