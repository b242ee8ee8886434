import gradkit as gk


@gk.hookimpl
def register_norms(register):
    try:
        register(42)
    except Exception:
        pass
