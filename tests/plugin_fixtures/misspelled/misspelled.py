import gradkit as gk


@gk.hookimpl
def register_norm(register):
    register(gk.NormSpec("fixture-never", lambda v: v.sum()))
