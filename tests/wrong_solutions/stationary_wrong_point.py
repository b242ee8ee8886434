# exercise: calculus.stationary-point
# fails: g′(x_star) = 0
# mistake: the stationary point of (x − 1)² is 1, not 0
def g(x):
    return (x - 1.0) ** 2


x_star = 0.0
