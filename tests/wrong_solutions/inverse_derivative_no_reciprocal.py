# exercise: calculus.inverse-derivative
# fails: inverse_derivative values | inverse_derivative (hidden)
# mistake: f′(f⁻¹(y)) instead of its reciprocal
def inverse_derivative(df, f_inv):
    return lambda y: df(f_inv(y))
