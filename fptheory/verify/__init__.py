"""``fptheory verify``: a registry of the F-Principle claims the package checks, each with its statement, the
check that decides it, its settings, and a verdict with evidence (numbers and, where there is one, a figure).

A claim is registered once (:func:`register`) with a ``settings(quick)`` function and a ``check(settings,
folder)`` function that returns :class:`Evidence`. :func:`verify` runs the selected claims in worker
processes (independent claims in parallel), caches each outcome under a key of (claim, settings, package
version), and writes ``result.json``, ``report.md`` and a self-contained ``report.html``. A claim whose
check finds the statement false is a result ("fails"); one whose check raises is an "error"; neither
stops the others.
"""

from fptheory.verify.registry import CLAIMS, Claim, Evidence, register
from fptheory.verify.runner import Outcome, exit_status, verify

__all__ = ["CLAIMS", "Claim", "Evidence", "register", "Outcome", "verify", "exit_status"]
