# exercise: autodiff.detach
# fails: gradient with u detached | gradient with u detached (hidden)
# mistake: forgets to detach u, so the gradient is 3x², not x²
def z(x):
    u = x * x
    return u * x
