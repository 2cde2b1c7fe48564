"""Training of the payment risk model with scikit-learn, an optional dependency (no ORM).

:func:`load_sklearn` returns None when scikit-learn (or numpy) is not
installed; the addon then keeps using the rule score. The trained model is
returned as plain numbers (a JSON-serialisable dict) so that scoring and
explanations never need scikit-learn.
"""

import logging
from types import SimpleNamespace

from .payment_risk_rules import is_holdout, model_score, roc_auc

_logger = logging.getLogger(__name__)

#: Regularisation of the two regressions (scikit-learn defaults, written down).
LOGISTIC_C = 1.0
RIDGE_ALPHA = 1.0


def load_sklearn():
    """The scikit-learn pieces the training needs, or None when it is not installed."""
    try:
        import numpy  # pylint: disable=import-outside-toplevel
        from sklearn import __version__  # pylint: disable=import-outside-toplevel
        from sklearn.linear_model import LogisticRegression, Ridge  # pylint: disable=import-outside-toplevel
    except ImportError:
        _logger.info("scikit-learn is not installed: payment risk uses the rule score")
        return None
    return SimpleNamespace(
        numpy=numpy, LogisticRegression=LogisticRegression, Ridge=Ridge, version=__version__
    )


def _fit(lib, matrix, late, days):
    """Standardise ``matrix`` and fit both regressions; return the model as plain numbers."""
    np = lib.numpy
    means = matrix.mean(axis=0)
    scales = matrix.std(axis=0)
    scales[scales == 0] = 1.0
    z = (matrix - means) / scales
    logistic = lib.LogisticRegression(C=LOGISTIC_C, max_iter=1000).fit(z, late)
    ridge = lib.Ridge(alpha=RIDGE_ALPHA).fit(z, np.maximum(days, 0.0))
    return {
        "means": [float(v) for v in means],
        "scales": [float(v) for v in scales],
        "coef": [float(v) for v in logistic.coef_[0]],
        "intercept": float(logistic.intercept_[0]),
        "days_coef": [float(v) for v in ridge.coef_],
        "days_intercept": float(ridge.intercept_),
    }


def fit(lib, features, samples, late_days):
    """Learn from ``samples`` ((invoice id, days late, [feature values]), ...).

    A quarter of the invoices (a fixed hash of their id) is held out: the
    model fitted on the rest ranks them, and the area under the ROC curve of
    that ranking is kept as ``auc`` (None when the held-out part lacks late or
    on-time invoices). The stored model is then fitted on all samples.
    """
    np = lib.numpy
    matrix = np.array([values for _id, _days, values in samples], dtype=float)
    days = np.array([days for _id, days, _values in samples], dtype=float)
    late = days > late_days
    holdout = np.array([is_holdout(move_id) for move_id, _days, _values in samples])
    auc = None
    if late[~holdout].any() and not late[~holdout].all():
        part = dict(_fit(lib, matrix[~holdout], late[~holdout], days[~holdout]), features=features)
        scores = [model_score(part, list(row)).probability for row in matrix[holdout]]
        auc = roc_auc(list(late[holdout]), scores)
    model = _fit(lib, matrix, late, days)
    model.update(
        features=list(features),
        late_days=late_days,
        samples=len(samples),
        late_samples=int(late.sum()),
        auc=auc,
        sklearn=lib.version,
    )
    return model
