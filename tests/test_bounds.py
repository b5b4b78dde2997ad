import pytest

from nee_lite.core.bounds import error_bound_95


def test_zero_errors_follow_the_closed_form():
    # 0 errors in 1,000 bound the rate at 0.3 %, the guide's rule of thumb
    assert error_bound_95(0, 1000) == pytest.approx(0.0029912, abs=1e-6)
    assert error_bound_95(0, 100) == pytest.approx(1 - 0.05 ** (1 / 100))


def test_some_errors_match_clopper_pearson():
    # the one-sided 95 % Clopper-Pearson bounds, from tables
    assert error_bound_95(1, 1000) == pytest.approx(0.004735, abs=2e-6)
    assert error_bound_95(5, 100) == pytest.approx(0.10225, abs=1e-4)
    assert error_bound_95(100, 100) == 1.0


def test_the_bound_shrinks_with_more_items_and_grows_with_errors():
    assert error_bound_95(0, 2000) < error_bound_95(0, 1000)
    assert error_bound_95(2, 1000) > error_bound_95(1, 1000)


@pytest.mark.parametrize("errors, n", [(-1, 10), (11, 10), (0, 0)])
def test_impossible_counts_are_refused(errors, n):
    with pytest.raises(ValueError, match="0 <= errors <= n"):
        error_bound_95(errors, n)
