# exercise: calculus.sum-product-quotient
# fails: quotient_rule values | quotient_rule (hidden) | quotient_rule is exact
# fails: quotient_rule uses no autodiff
# fails: quotient_rule (hidden) is exact
# mistake: a plus in the numerator of the quotient rule
def sum_rule(df, dg):
    return lambda x: df(x) + dg(x)


def product_rule(f, g, df, dg):
    return lambda x: df(x) * g(x) + f(x) * dg(x)


def quotient_rule(f, g, df, dg):
    return lambda x: (df(x) * g(x) + f(x) * dg(x)) / g(x) ** 2
