import gradkit as gk


@gk.hookimpl
def register_norms(register):
    register(gk.NormSpec("fixture-dup", lambda v: abs(v).sum(), description="first"))
