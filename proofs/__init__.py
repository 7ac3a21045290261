"""The proofs of fptheory, one module per result (each defines ``PROOF``), installed as ``fptheory.proofs``.

Run them with ``fptheory proofs`` or ``fptheory.proof.load_proofs()``; they are imported from the installed
package, never from the current directory.
"""
