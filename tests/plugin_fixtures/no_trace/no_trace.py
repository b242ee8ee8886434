import gradkit as gk


def relu(x):
    return x if x > 0 else 0 * x  # Python control flow on a traced value


@gk.hookimpl
def register_functions(register):
    register(gk.FunctionSpec("fixture-ok", lambda x: 2 * x))
    register(gk.FunctionSpec("fixture-relu", relu))
