"""An int too large for a float: np.isfinite(10**400) raised in the grader."""


def g(x):
    return (x - 1.0) ** 2


x_star = 10**400
