import gradkit as gk


@gk.hookimpl
def register_norms(register):
    register(gk.NormSpec("fixture-dup-other", lambda v: abs(v).max()))
    register(gk.NormSpec("fixture-dup", lambda v: abs(v).max(), description="second"))
