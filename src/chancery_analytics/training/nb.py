"""NB-LR (Wang and Manning 2012, "Baselines and bigrams"): logistic regression over naive-Bayes-scaled features.

For each class ``k`` (one against the rest) every feature is scaled by its naive Bayes log-count ratio
``r_k = log((p_k / |p_k|_1) / (q_k / |q_k|_1))`` (``p_k``, ``q_k``: smoothed counts of documents with the
feature inside and outside the class), and a binary logistic regression is fitted on the scaled features.
Because the scaling is per feature, the fitted model folds into one plain linear model, ``W[:, k] = r_k * w_k``,
so inference needs nothing beyond :class:`chancery_analytics.nlp.linear.LinearModel`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]


class NBLogisticRegression:
    """One-against-the-rest NB-LR with scikit-learn's ``classes_``, ``coef_``, ``intercept_`` and ``predict``."""

    def __init__(
        self, *, c: float = 1.0, alpha: float = 1.0, class_weight: str | None = None, unscaled: int = 0
    ) -> None:
        """Set the inverse regularisation ``c``, the count smoothing ``alpha`` and the class weighting.

        The last ``unscaled`` columns (dense features such as pooled word vectors, for which "the document has
        the feature" means nothing) keep a ratio of 1.
        """
        self.c = c
        self.alpha = alpha
        self.class_weight = class_weight
        self.unscaled = unscaled
        self.classes_: npt.NDArray[Any] = np.zeros(0)
        self.coef_: npt.NDArray[np.float64] = np.zeros((0, 0))
        self.intercept_: npt.NDArray[np.float64] = np.zeros(0)

    def fit(
        self, x: sp.csr_matrix, y: list[str], sample_weight: npt.NDArray[np.float64] | None = None
    ) -> NBLogisticRegression:
        """Fit one scaled binary logistic regression per class on ``x`` (rows weighted); return ``self``.

        The log-count ratios count documents unweighted; ``sample_weight`` weighs each row in the regression.
        """
        labels = np.asarray(y)
        self.classes_ = np.array(sorted(set(y)))
        present = (x != 0).astype(np.float64).tocsr()
        coefs, intercepts = [], []
        for label in self.classes_:
            inside = labels == label
            p = np.asarray(present[inside].sum(axis=0)).ravel() + self.alpha
            q = np.asarray(present[~inside].sum(axis=0)).ravel() + self.alpha
            ratio = np.log((p / p.sum()) / (q / q.sum()))
            if self.unscaled:
                ratio[-self.unscaled :] = 1.0
            model = LogisticRegression(C=self.c, solver="liblinear", class_weight=self.class_weight)
            model.fit(x @ sp.diags(ratio), inside.astype(int), sample_weight=sample_weight)
            coefs.append(ratio * model.coef_[0])
            intercepts.append(float(model.intercept_[0]))
        self.coef_ = np.vstack(coefs)
        self.intercept_ = np.asarray(intercepts)
        return self

    def decision_function(self, x: sp.csr_matrix) -> npt.NDArray[np.float64]:
        """Return each class's score (rows: documents)."""
        result: npt.NDArray[np.float64] = np.asarray(x @ self.coef_.T) + self.intercept_
        return result

    def predict(self, x: sp.csr_matrix) -> npt.NDArray[Any]:
        """Return the best-scoring class of each row."""
        result: npt.NDArray[Any] = self.classes_[self.decision_function(x).argmax(axis=1)]
        return result
