import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from chancery_analytics.forecast import metrics


def _brute_crps(samples: list[float], y: float) -> float:
    s = np.asarray(samples, dtype=float)
    return float(np.mean(np.abs(s - y)) - 0.5 * np.mean(np.abs(s[:, None] - s[None, :])))


@given(st.lists(st.floats(0, 1e4), min_size=1, max_size=15), st.floats(0, 1e4))
def test_crps_matches_the_definition(samples: list[float], y: float) -> None:
    got = metrics.crps_samples(np.array([samples]), np.array([y]))[0]
    assert np.isclose(got, _brute_crps(samples, y), atol=1e-6 * (1 + y))


def test_crps_of_a_point_forecast_is_the_absolute_error_and_log1p_shrinks_it() -> None:
    assert metrics.crps_mean(np.array([[10.0]]), np.array([4.0])) == 6.0
    assert np.isclose(metrics.crps_mean(np.array([[0.0]]), np.array([np.e - 1]), log1p=True), 1.0)


def test_auroc_aupr_brier_male_and_calibration() -> None:
    label = np.array([False, False, True, True])
    assert metrics.auroc(np.array([0.1, 0.2, 0.8, 0.9]), label) == 1.0
    assert metrics.auroc(np.array([0.9, 0.8, 0.2, 0.1]), label) == 0.0
    assert metrics.auroc(np.zeros(4), label) == 0.5
    assert np.isnan(metrics.auroc(np.zeros(2), np.array([True, True])))
    assert metrics.aupr(np.array([0.1, 0.2, 0.8, 0.9]), label) == 1.0
    assert np.isclose(metrics.aupr(np.zeros(4), label), 0.5)
    assert metrics.brier(np.array([1.0, 0.0]), np.array([True, False])) == 0.0
    assert np.isclose(metrics.male(np.array([110.0, 100.0, 50.0]), np.array([100.0, 100.0, 100.0])), np.log(1.1))
    table = metrics.calibration_table(np.array([0.05, 0.1, 0.95]), np.array([False, True, True]))
    assert [row["n"] for row in table] == [2, 1]
    assert table[0]["observed"] == 0.5
