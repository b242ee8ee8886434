import gradkit_fixture_no_such_module  # noqa: F401
