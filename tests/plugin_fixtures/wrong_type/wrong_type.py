import gradkit as gk


@gk.hookimpl
def register_norms(register):
    register("l7")
