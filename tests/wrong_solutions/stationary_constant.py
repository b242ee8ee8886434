# exercise: calculus.stationary-point
# fails: g′(x_star) = 0
# mistake: a constant function has f′ = 0 everywhere, which the exercise rules out
def g(x):
    return 0.0 * x + 3.0


x_star = 0.0
