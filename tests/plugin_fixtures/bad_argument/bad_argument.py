import gradkit as gk


@gk.hookimpl
def register_norms(add):
    add(gk.NormSpec("fixture-never", lambda v: abs(v).sum()))
