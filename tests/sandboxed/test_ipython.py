"""A notebook's IPython leftovers run harmlessly in the worker (`_sandboxed._ipython`)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from gradkit._sandboxed import _ipython


def test_display_prints_and_get_ipython_is_a_shell_that_does_nothing(capsys):
    names = _ipython.names()
    assert sorted(names) == ["display", "get_ipython"]
    names["display"]("text", 3, metadata={"a": 1})
    assert capsys.readouterr().out == "'text'\n3\n"
    shell = names["get_ipython"]()
    assert not shell  # "no live shell", as libraries ask with `if not ip`
    assert shell.run_line_magic("matplotlib", "inline") is None
    assert shell.system("pip install -q gradkit") is None
    assert shell.events.register("post_execute", print) is None


def test_ipython_imports_only_when_imported_and_matplotlib_still_draws():
    code = textwrap.dedent(
        """
        import importlib.util, sys
        from gradkit._sandboxed import _ipython
        real = importlib.util.find_spec("IPython") is not None
        _ipython.install()
        assert "IPython" not in sys.modules
        from IPython.display import display, Markdown, HTML
        from IPython.core.display import Image
        from IPython import get_ipython
        from IPython.core.interactiveshell import InteractiveShell
        InteractiveShell.ast_node_interactivity = "all"
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        plt.plot([1.0, 2.0])
        plt.show()
        if not real:
            print(repr(Markdown("**x**")), repr(Image("a.png")), bool(get_ipython()))
            display(HTML("<b>ok</b>"))
        print("done")
        """
    )
    result = _python(code, None)
    assert result.stdout.splitlines()[-1] == "done"
    if len(result.stdout.splitlines()) > 1:
        assert result.stdout.splitlines()[:2] == [
            "Markdown('**x**') Image('a.png') False",
            "HTML('<b>ok</b>')",
        ]


def test_an_ipython_folder_written_as_the_submission_runs_never_replaces_the_stand_ins(tmp_path):
    # the "must not use" rules take `IPython.display` for the stand-in: so must the worker
    code = textwrap.dedent(
        """
        import importlib.util, os, sys
        from gradkit._sandboxed import _ipython
        if importlib.util.find_spec("IPython") is not None:
            print("installed")
            raise SystemExit
        _ipython.install()
        os.makedirs("IPython")
        with open("IPython/__init__.py", "w") as fh:
            fh.write("grad = 'the submission'")
        with open("IPython/display.py", "w") as fh:
            fh.write("grad = 'the submission'")
        sys.path.append(".")
        import IPython
        from IPython.display import grad
        print(hasattr(IPython, "grad"), getattr(grad, "__module__", grad))
        """
    )
    result = _python(code, tmp_path)
    assert result.stdout.strip() in ("False IPython.display", "installed")


def test_colab_modules_do_nothing_where_colab_is_not_running():
    # a Colab notebook opens with `drive.mount(...)`; graded elsewhere it must not stop there
    code = textwrap.dedent(
        """
        from gradkit._sandboxed import _ipython
        _ipython.install()
        from google.colab import drive, files, output
        from google.colab.drive import mount
        import google.colab.auth
        mount("/content/drive", force_remount=True)
        google.colab.auth.authenticate_user()
        files.download("answers.csv")
        output.enable_custom_widget_manager()
        print(files.upload())
        from google.colab import userdata
        try:
            userdata.get("WANDB_KEY")
        except KeyError as error:
            print(error)
        """
    )
    result = _python(code, None)
    assert result.stdout.splitlines() == [
        "{}",
        '"WANDB_KEY: Colab\'s secrets are not there when a notebook is graded"',
    ]


def test_a_chdir_into_the_mounted_drive_goes_to_the_handed_in_files(tmp_path):
    # the Colab idiom: mount Drive, then move into the homework's folder there to reach
    # its files; graded, those files are in the working directory
    (tmp_path / "helpers.py").write_text("STEP = 2\n")
    code = textwrap.dedent(
        """
        import os
        from gradkit._sandboxed import _ipython
        _ipython.install()
        from google.colab import drive
        drive.mount("/content/drive")
        here = os.getcwd()
        os.chdir("/content/drive/MyDrive/Colab Notebooks/hw2")
        print(os.getcwd() == here, open("helpers.py").read().strip())
        os.chdir("/")
        print(os.getcwd())
        os.chdir("/content/drive")
        print(os.getcwd() == here)
        """
    )
    result = _python(code, tmp_path)
    assert result.stdout.splitlines() == ["True STEP = 2", "/", "True"]


def _python(code: str, cwd: Path | None) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (in `cwd`); it must succeed."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr
    return result
