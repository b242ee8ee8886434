# ruff: noqa: E501
# exercise: calculus.limit-table
# fails: quotients at coarse steps | the seed's table, float64-accurate | float64-accurate at small steps (hidden)
# mistake: central differences instead of the book's forward quotient
def limit_table(f, x, hs):
    return (f(x + hs) - f(x - hs)) / (2 * hs)
