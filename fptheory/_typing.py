"""Array types with shapes, for the numeric layer's signatures (jaxtyping: ``Float[Array, "*batch m"]``).

``Array`` is a numpy array or a jax array (functions with ``backend="jax"`` take the latter), ``ArrayLike`` also
a Python scalar (inputs broadcast); shapes name their
axes: ``m`` neurons, ``n`` samples, ``*batch`` any leading axes that broadcast. The annotations document and
are type-checked (mypy); they are not enforced at run time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from jaxtyping import Bool, Complex, Float, Inexact, Int

if TYPE_CHECKING:
    import jax

    Array = np.ndarray | jax.Array  # what the functions return
    ArrayLike = np.ndarray | jax.Array | float | complex  # what they take: python scalars broadcast like 0-d arrays
else:  # at run time the annotations are only read, so jax need not be imported for them
    Array = ArrayLike = np.ndarray

__all__ = ["Array", "ArrayLike", "Bool", "Complex", "Float", "Inexact", "Int"]
