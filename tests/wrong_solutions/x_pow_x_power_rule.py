# exercise: calculus.x-to-the-x
# fails: d_x_pow_x values | d_x_pow_x (hidden)
# mistake: applies the power rule, x·x^(x−1)
def d_x_pow_x(x):
    return x * x ** (x - 1)
