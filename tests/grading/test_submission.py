"""Reading submissions: .py files, directories, notebooks."""

from __future__ import annotations

import nbformat
import pytest

from gradkit._sandboxed import place
from gradkit._sandboxed._ipython import SList, TimeitResult
from gradkit.grading._runner import _shown_names
from gradkit.grading._source import usage
from gradkit.grading._submission import (
    MAIN,
    MAX_BYTES,
    InputLimits,
    load_submission,
    notebook_code,
    python_text,
)


def test_a_python_file_runs_as_submission_py(tmp_path):
    path = tmp_path / "alice.py"
    path.write_text("x = 1\n")
    sub = load_submission(path)
    assert (sub.files, sub.order, sub.source, sub.error) == (
        {"submission.py": b"x = 1\n"},
        ("submission.py",),
        "x = 1\n",
        None,
    )


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"\xef\xbb\xbfx = 1\r\ny = 2\r\n", "x = 1\ny = 2\n"),  # Notepad: a BOM, CRLF
        ("# -*- coding: latin-1 -*-\nk = 'Zoé'\n".encode("latin-1"), None),
        (b"x = '\xff'\n", "x = '\ufffd'\n"),  # not UTF-8: replaced, Python then says why
    ],
)
def test_a_python_file_is_read_as_python_reads_it(tmp_path, data, text):
    text = text or "# -*- coding: latin-1 -*-\nk = 'Zoé'\n"
    assert python_text(data) == text
    (tmp_path / "hw.py").write_bytes(data)
    sub = load_submission(tmp_path / "hw.py")
    assert (sub.source, sub.files, sub.error) == (text, {"submission.py": data}, None)
    (tmp_path / "solutions.py").write_bytes(data)
    assert load_submission(tmp_path).sources["solutions.py"] == text


def test_a_notebook_saved_with_a_bom_is_read(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "hw.ipynb"
    path.write_bytes(b"\xef\xbb\xbf" + nbformat.writes(notebook).encode())
    sub = load_submission(path)
    assert sub.error is None
    assert "x = 1" in sub.source


def test_a_directory_runs_its_solutions_py_with_the_others_importable(tmp_path):
    (tmp_path / "solutions.py").write_text("from helpers import k\n")
    (tmp_path / "helpers.py").write_text("k = 2\n")
    (tmp_path / "notes.txt").write_text("ignored")
    sub = load_submission(tmp_path)
    assert sorted(sub.files) == ["helpers.py", "solutions.py"]
    assert sub.order == ("solutions.py",)
    assert sub.source == "from helpers import k\n"


def test_a_directory_without_solutions_py_runs_every_file_in_name_order(tmp_path):
    (tmp_path / "b.py").write_text("b = 2\n")
    (tmp_path / "a.py").write_text("a = 1\n")
    sub = load_submission(tmp_path)
    assert sub.order == ("a.py", "b.py")
    assert sub.source == "a = 1\n\nb = 2\n"


def test_a_notebook_keeps_code_cells_and_drops_magics(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Homework"),
        nbformat.v4.new_code_cell("%matplotlib inline\nimport jax.numpy as jnp"),
        nbformat.v4.new_code_cell("!pip install gradkit\n  %time x = 1\ndef f(x):\n    return x"),
        nbformat.v4.new_code_cell("%%bash\necho hi"),
    ]
    path = tmp_path / "hw.ipynb"
    nbformat.write(notebook, path)
    sub = load_submission(path)
    assert sub.source == (
        "# %% code cell 1\n\nimport jax.numpy as jnp\n\n"
        "# %% code cell 2\n\n\ndef f(x):\n    return x\n"
    )
    assert sub.notes == ("notebook: dropped 5 IPython magic/shell line(s)",)
    assert notebook_code(path.read_text())[1] == 5


def test_line_magics_written_without_their_percent_are_dropped_as_ipython_runs_them(tmp_path):
    # IPython's automagic runs `pip install ...`, `pwd`, `cd data` without a `%`
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("pip install -q gradkit\npwd\ncd data\nwho"),
        nbformat.v4.new_code_cell("time x = 1\nls = [1, 2]\nls\nrun = len(ls)"),
    )
    assert sub.source == (
        "# %% code cell 1\n\n\n\n\n\n# %% code cell 2\nx = 1\nls = [1, 2]\nls\nrun = len(ls)\n"
    )
    assert sub.notes == ("notebook: dropped 5 IPython magic/shell line(s)",)


def test_a_timed_statement_runs_and_defines_its_names_as_in_ipython(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%time table = [h * 2 for h in (1, 2)]\n%timeit t = 1"),
        nbformat.v4.new_code_cell("if True:\n    %time best = max(table)\n%prun -s cumtime f(1)"),
        nbformat.v4.new_code_cell("%%timeit -n 3 -r 1 x = [1, 2]\ntotal = sum(x)"),
    )
    assert sub.source == (
        "# %% code cell 1\ntable = [h * 2 for h in (1, 2)]\n\n\n"
        "# %% code cell 2\nif True:\n    best = max(table)\n\n\n"
        "# %% code cell 3\nx = [1, 2]\ntotal = sum(x)\n"
    )
    namespace: dict = {}
    exec(compile(sub.source, "hw.ipynb", "exec"), namespace)  # noqa: S102 - the test's own code
    assert namespace["best"] == 4 and namespace["total"] == 3


def test_a_captured_cell_binds_its_name_as_in_ipython(tmp_path):
    from gradkit._sandboxed._ipython import CapturedIO

    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%%capture --no-stderr log\nprint('installing...')"),
        nbformat.v4.new_code_cell("if 'ERROR' in log.stdout:\n    log.show()\nok = log.stderr"),
    )
    assert sub.source == (
        "# %% code cell 1\n\nprint('installing...')\n"
        "from IPython.utils.capture import CapturedIO as _gk_CapturedIO\n"
        "log = _gk_CapturedIO(None, None)\n\n"
        "# %% code cell 2\nif 'ERROR' in log.stdout:\n    log.show()\nok = log.stderr\n"
    )
    assert (CapturedIO().stdout, CapturedIO().stderr, CapturedIO().outputs) == ("", "", [])
    assert usage(sub.source, "ok").dynamic == frozenset()


def _ran(sub) -> dict:
    """The names a notebook's joined code binds when run."""
    namespace: dict = {}
    exec(compile(sub.source, "hw.ipynb", "exec"), namespace)  # noqa: S102 - the test's own code
    return namespace


def test_the_last_output_is_kept_as_underscore_as_in_ipython(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("x = 3.0\nx + 1"),
        nbformat.v4.new_code_cell("print(_)"),
        nbformat.v4.new_code_cell("y = _ ** 2\nx * 10;"),
        nbformat.v4.new_code_cell("(_ +\n 1)"),
    )
    assert sub.source.splitlines()[:6] == [
        "_ = __ = ___ = _gk_h0 = _gk_h1 = _gk_h2 = ''; Out = _oh = _gk_Out = {}",
        "# %% code cell 1",
        "x = 3.0",
        "_gk_shown = x + 1",
        "if _gk_shown is not None: _gk_up = _ is _gk_h0 and __ is _gk_h1 and ___ is _gk_h2; "
        "_gk_h2, _gk_h1, _gk_h0 = _gk_h1, _gk_h0, _gk_shown; _gk_Out[1] = _1 = _gk_shown",
        "if _gk_shown is not None and _gk_up: ___, __, _ = _gk_h2, _gk_h1, _gk_h0",
    ]
    namespace = _ran(sub)
    # `print(...)` shows None, which IPython does not keep; `;` shows nothing
    assert namespace["y"] == 16.0 and (namespace["_"], namespace["__"]) == (5.0, 4.0)
    assert namespace["Out"] == {1: 4.0, 4: 5.0} and namespace["___"] == ""
    # the history by execution count, as saved: `Out[7]` of a cell run seventh
    (tmp_path / "counted").mkdir()
    shown = nbformat.v4.new_code_cell("2.0 * 21", execution_count=7)
    counted = _load_notebook(tmp_path / "counted", shown, nbformat.v4.new_code_cell("y = Out[7]"))
    namespace = _ran(counted)
    assert namespace["y"] == 42.0
    # a notebook that binds `_` itself keeps its own, and IPython then stops moving `_`,
    # `__` and `___` along; `Out[n]` and `_n` go on
    (tmp_path / "mine").mkdir()
    mine = _load_notebook(
        tmp_path / "mine",
        nbformat.v4.new_code_cell("_, b = 1, 2\nb"),
        nbformat.v4.new_code_cell("b * 10"),
        nbformat.v4.new_code_cell("seen = (_, __, Out[2], _1, _oh[1])"),
    )
    namespace = _ran(mine)
    assert namespace["seen"] == (1, "", 20, 2, 2)


def test_the_output_history_is_kept_beside_a_function_that_binds_underscore(tmp_path):
    # `_` bound in a function (the usual throwaway name) or a comprehension is its own;
    # IPython's history goes on for the notebook, numbered outputs (`_5`) included
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell(
            "def f(x):\n    _, y = divmod(x, 3)\n    return y", execution_count=4
        ),
        nbformat.v4.new_code_cell("f(7)", execution_count=5),
        nbformat.v4.new_code_cell("[_ for _ in range(3)]", execution_count=6),
        nbformat.v4.new_code_cell("seen = (_, __, _5, _6)", execution_count=7),
    )
    namespace = _ran(sub)
    assert namespace["seen"] == ([0, 1, 2], 1, 1, [0, 1, 2])
    # a function that reads the notebook's `_` reads its history too
    (tmp_path / "reads").mkdir()
    reads = _load_notebook(
        tmp_path / "reads",
        nbformat.v4.new_code_cell("2.5"),
        nbformat.v4.new_code_cell("def last():\n    return _\nseen = last()"),
    )
    namespace = _ran(reads)
    assert namespace["seen"] == 2.5
    # none of it without a read: the notebook runs as written
    (tmp_path / "none").mkdir()
    none = _load_notebook(
        tmp_path / "none",
        nbformat.v4.new_code_cell("def f(x):\n    _, y = divmod(x, 3)\n    return _"),
        nbformat.v4.new_code_cell("f(7)"),
    )
    assert "_gk_shown" not in none.source


def test_an_error_in_a_notebook_with_history_is_placed_in_its_cell(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("x = 2.0\nx"),
        nbformat.v4.new_code_cell("_ * 2"),
        nbformat.v4.new_code_cell("y = undefined_name"),
    )
    lines = sub.source.splitlines()
    line = lines.index("y = undefined_name") + 1
    assert place(sub.source, line) == "code cell 3, line 1"
    assert place(sub.source, 1) == "line 1"


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("hw.ipynb", "{not json", "not a readable notebook (NotJSONError)"),
        ("hw.txt", "x = 1", "not a .py file, a directory or an .ipynb notebook"),
        ("big.py", "#" * (MAX_BYTES + 1), f"the limit is {MAX_BYTES:,}"),
    ],
)
def test_unreadable_submissions_carry_the_reason(tmp_path, name, content, error):
    path = tmp_path / name
    path.write_text(content)
    sub = load_submission(path)
    assert sub.error is not None and error in sub.error
    assert sub.files == {}


def test_an_empty_directory_is_an_error(tmp_path):
    assert load_submission(tmp_path).error == "the directory holds no .py files"


def _load_notebook(tmp_path, *cells):
    path = tmp_path / "hw.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=list(cells)), path)
    return load_submission(path)


def test_a_cell_tagged_raises_exception_may_raise_and_the_next_cells_still_run(tmp_path):
    # Jupyter's tag for a cell left raising on purpose: nbclient and Run All step over it
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("def f(x):\n    return x"),
        nbformat.v4.new_code_cell(
            'note = """two\n  lines"""\nf(1) + "a"  # TypeError, on purpose\n%time f(2)',
            metadata={"tags": ["raises-exception"]},
        ),
        nbformat.v4.new_code_cell("# only a comment", metadata={"tags": ["raises-exception"]}),
        nbformat.v4.new_code_cell("g = f(3)"),
    )
    assert sub.source == (
        "# %% code cell 1\ndef f(x):\n    return x\n\n"
        'try:  # %% code cell 2\n\tnote = """two\n  lines"""\n'
        '\tf(1) + "a"  # TypeError, on purpose\n\tf(2)\nexcept Exception:  pass\n'
        "# %% code cell 3\n# only a comment\n\n"
        "# %% code cell 4\ng = f(3)\n"
    )
    namespace: dict = {}
    exec(compile(sub.source, "hw.ipynb", "exec"), namespace)  # noqa: S102 - the test's own code
    assert (namespace["note"], namespace["g"]) == ("two\n  lines", 3)


def test_an_untagged_cell_that_raises_still_stops_the_notebook(tmp_path):
    cells = [nbformat.v4.new_code_cell("1 / 0"), nbformat.v4.new_code_cell("g = 3")]
    source = _load_notebook(tmp_path, *cells).source
    assert source == "# %% code cell 1\n1 / 0\n\n# %% code cell 2\ng = 3\n"
    with pytest.raises(ZeroDivisionError):
        exec(compile(source, "hw.ipynb", "exec"), {})  # noqa: S102 - the test's own code


def test_a_tagged_cell_python_cannot_read_is_left_as_it_is(tmp_path):
    cell = nbformat.v4.new_code_cell('s = """never closed', metadata={"tags": ["raises-exception"]})
    assert _load_notebook(tmp_path, cell).source == '# %% code cell 1\ns = """never closed\n'


def test_a_magic_alone_in_a_block_leaves_it_a_body(tmp_path):
    # a Colab idiom: install only where the package is missing; a blank line would leave
    # `if` without a body (IndentationError), and the whole notebook would score 0
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell(
            "IN_COLAB = False\nif IN_COLAB:\n    !pip install -q gradkit\n"
            "try:\n    %load_ext autoreload\n    %autoreload 2\nexcept Exception:\n    pass"
        ),
        nbformat.v4.new_code_cell("%matplotlib inline\nx = 1"),  # a blank does here
    )
    assert sub.source == (
        "# %% code cell 1\nIN_COLAB = False\nif IN_COLAB:\n    pass\n"
        "try:\n    pass\n    pass\nexcept Exception:\n    pass\n\n"
        "# %% code cell 2\n\nx = 1\n"
    )
    assert sub.notes == ("notebook: dropped 4 IPython magic/shell line(s)",)
    exec(compile(sub.source, "hw.ipynb", "exec"), {})  # noqa: S102 - the test's own code


def test_writefile_names_beside_the_notebook_and_percent_run_of_them(tmp_path):
    # `./helpers.py` and Colab's `/content/helpers.py` are beside the notebook; `%run` of a
    # module a cell wrote runs its names into the notebook's, as `from helpers import *` does
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%%writefile ./helpers.py\ndef step(x):\n    return 2 * x"),
        nbformat.v4.new_code_cell("%%writefile /content/more.py\nA = 3"),
        nbformat.v4.new_code_cell("%run helpers.py\n%run ./more.py\n%run other.py\ny = step(A)"),
    )
    assert set(sub.files) == {MAIN, "helpers.py", "more.py"}
    assert sub.source == (
        "# %% code cell 3\nfrom helpers import *\nfrom more import *\n\ny = step(A)\n"
    )
    assert sub.notes[0] == "notebook: dropped 1 IPython magic/shell line(s)"


def test_a_writefile_cell_writes_a_module_beside_the_notebook_as_ipython_does(tmp_path):
    # Colab students write helpers with %%writefile and import them in the next cell
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("import jax.numpy as jnp"),
        nbformat.v4.new_code_cell("%%writefile helpers.py\ndef step(x):\n    return 2 * x"),
        nbformat.v4.new_code_cell("%%writefile -a helpers.py\nSCALE = 2"),
        nbformat.v4.new_code_cell("%%file 'more.py'\nA = 1\n"),  # IPython's other name
        nbformat.v4.new_code_cell("%%writefile more.py\nA = 3"),  # written again: replaced
        nbformat.v4.new_code_cell("from helpers import step"),
    )
    code = (
        "# %% code cell 1\nimport jax.numpy as jnp\n\n# %% code cell 6\nfrom helpers import step\n"
    )
    helpers = "def step(x):\n    return 2 * x\nSCALE = 2\n"
    assert sub.source == code
    assert sub.order == (MAIN,)
    assert sub.files == {MAIN: code.encode(), "helpers.py": helpers.encode(), "more.py": b"A = 3\n"}
    # the "must not use" rules read the notebook as the main file and its modules beside it
    assert sub.sources == {"solutions.py": code, "helpers.py": helpers, "more.py": "A = 3\n"}
    assert sub.notes == (
        "notebook: its %%writefile cells wrote helpers.py, more.py, which the grader put "
        "beside it before its first cell ran",
    )


def test_a_writefile_cell_that_is_not_a_module_beside_the_notebook_is_named_in_a_note(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%%writefile data/points.csv\n1,2"),
        nbformat.v4.new_code_cell("%%writefile solutions.py\nA = 1"),  # the notebook's own name
        nbformat.v4.new_code_cell("%%writefile --force helpers.py\nA = 1"),  # not an option
        nbformat.v4.new_code_cell("x = 1"),
    )
    assert sub.files == {MAIN: b"# %% code cell 4\nx = 1\n"}
    assert sub.sources == {}
    assert sub.notes == (
        "notebook: dropped 6 IPython magic/shell line(s)",
        "code cell 1 writes data/points.csv, code cell 2 writes solutions.py, code cell 3 "
        "writes helpers.py with %%writefile, which the grader does not write (only a module "
        "beside the notebook, such as helpers.py, other than solutions.py and submission.py): "
        "put that code in a cell instead",
    )


def test_a_notebook_writing_more_files_than_a_directory_may_hold_is_refused(tmp_path):
    path = tmp_path / "hw.ipynb"
    cells = [nbformat.v4.new_code_cell(f"%%writefile m{i}.py\nA = {i}") for i in range(3)]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    assert load_submission(path, InputLimits(files=4)).error is None
    refused = load_submission(path, InputLimits(files=3))
    assert refused.error == "the notebook writes 3 files with %%writefile; the limit is 2"


def test_a_module_named_like_one_python_has_already_is_left_out_and_named(tmp_path):
    # the worker's `import jax` finds JAX (imported already), never a jax.py beside the
    # entries; the "must not use" rules must not read that file as the `jax` of `jax.grad`
    for name, text in [
        ("solutions.py", "import helpers\nimport jax\n"),
        ("helpers.py", "A = 1\n"),
        ("jax.py", "def grad(f):\n    return f\n"),
        ("random.py", "A = 2\n"),
    ]:
        (tmp_path / name).write_text(text)
    sub = load_submission(tmp_path)
    assert sorted(sub.files) == ["helpers.py", "solutions.py"]
    assert sorted(sub.sources) == ["helpers.py", "solutions.py"]
    assert sub.notes == (
        "jax.py, random.py are named like a module Python has already (the standard "
        "library's or an installed one), which an import finds instead: the grader left it "
        "out; rename it, e.g. my_jax.py",
    )


def test_files_run_in_name_order_are_not_imported_so_none_is_left_out(tmp_path):
    (tmp_path / "answers.py").write_text("A = 1\n")
    (tmp_path / "random.py").write_text("B = 2\n")
    sub = load_submission(tmp_path)
    assert sub.order == ("answers.py", "random.py") and sub.notes == ()


def test_a_notebook_module_named_like_one_python_has_already_is_left_out(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%%writefile numpy.py\nA = 1"),
        nbformat.v4.new_code_cell("%%writefile helpers.py\nB = 2"),
    )
    assert sorted(sub.files) == ["helpers.py", MAIN]
    assert sub.notes[0].startswith("numpy.py is named like a module Python has already")
    assert sub.notes[1].startswith("notebook: its %%writefile cells wrote helpers.py,")


def test_a_directory_with_one_notebook_runs_it_with_its_modules_beside_it(tmp_path):
    folder = tmp_path / "hw"
    folder.mkdir()
    (folder / ".ipynb_checkpoints").mkdir()  # Jupyter's: a folder, never read
    (folder / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    (folder / "notes.txt").write_text("not code")
    cells = [
        nbformat.v4.new_code_cell("%matplotlib inline\nfrom helpers import twice"),
        nbformat.v4.new_code_cell("def df(x):\n    return twice(x)"),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "hw2.ipynb")
    sub = load_submission(folder)
    assert sub.error is None and sub.order == ("submission.py",)
    assert sorted(sub.files) == ["helpers.py", "submission.py"]
    assert sub.source == (
        "# %% code cell 1\n\nfrom helpers import twice\n\n# %% code cell 2\ndef df(x):\n"
        "    return twice(x)\n"
    )
    assert sorted(sub.sources) == ["helpers.py", "solutions.py"]
    assert sub.notes == (
        "notebook: dropped 1 IPython magic/shell line(s)",
        "hw2.ipynb is the submission; helpers.py beside it may be imported",
    )
    # a solutions.py is the submission, whatever notebooks lie beside it
    (folder / "solutions.py").write_text("from helpers import twice\n")
    assert load_submission(folder).order == ("solutions.py",)
    # two notebooks, neither solutions.ipynb: which one is the work is not known
    (folder / "solutions.py").unlink()
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "scratch.ipynb")
    assert load_submission(folder).order == ("helpers.py",)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "solutions.ipynb")
    assert load_submission(folder).notes[-1] == (
        "solutions.ipynb is the submission; helpers.py beside it may be imported"
    )


def test_the_handouts_untouched_stubs_give_way_to_its_filled_in_notebook(tmp_path):
    # `gradkit exercises stubs` writes solutions.py and solutions.ipynb; a student fills one
    folder = tmp_path / "handout"
    folder.mkdir()
    stubs = (
        '"""Your solutions."""\nimport jax.numpy as jnp\n\n\ndef l1(v):\n    """L1."""\n'
        '    raise NotImplementedError("norms.vector: write l1")\n\n\nanswer = ""\n'
    )
    (folder / "solutions.py").write_text(stubs)
    cell = nbformat.v4.new_code_cell("import jax.numpy as jnp\ndef l1(v):\n    return v.sum()")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), folder / "solutions.ipynb")
    sub = load_submission(folder)
    assert sub.order == ("submission.py",) and "return v.sum()" in sub.source
    assert sub.notes == (
        "solutions.py holds only the handout's stubs: solutions.ipynb is the submission",
    )
    # one answer written in solutions.py: it is the work
    (folder / "solutions.py").write_text(stubs + "\n\ndef l2(v):\n    return v @ v\n")
    assert load_submission(folder).order == ("solutions.py",)


def test_a_notebook_saved_as_a_script_runs_the_code_of_its_time_cells(tmp_path):
    # `jupyter nbconvert --to script` writes `%%time` cells and `%time` lines as calls
    path = tmp_path / "hw2.py"
    path.write_text(
        "import jax.numpy as jnp\n"
        "get_ipython().run_line_magic('matplotlib', 'inline')\n"
        "get_ipython().run_cell_magic('time', '', 'def d_log(x):\\n    return 1 / x\\n')\n"
        "get_ipython().run_line_magic('time', 'check = d_log(2.0)')\n"
        "get_ipython().run_cell_magic('timeit', '-n 3 xs = jnp.ones(3)', 'd_log(xs)\\n')\n"
        "get_ipython().run_cell_magic('bash', '', 'echo hi\\n')\n"
    )
    sub = load_submission(path)
    assert sub.source == (
        "import jax.numpy as jnp\n"
        "get_ipython().run_line_magic('matplotlib', 'inline')\n"
        "def d_log(x):\n    return 1 / x\n"
        "check = d_log(2.0)\n"
        "xs = jnp.ones(3)\nd_log(xs)\n"
        "get_ipython().run_cell_magic('bash', '', 'echo hi\\n')\n"
    )
    assert sub.files["submission.py"] == sub.source.encode()
    assert sub.notes == (
        "a notebook saved as a script: its get_ipython().run_cell_magic('time', ...) cells run "
        "as the code they hold (line numbers count that code)",
    )
    plain = tmp_path / "plain.py"
    plain.write_text("x = 1\n")
    assert load_submission(plain).notes == ()


@pytest.mark.parametrize(
    "line", ["%run -i helpers.py", "%run helpers", "%run helpers.py --fast", "%run ./helpers.py"]
)
def test_run_of_a_module_brings_its_names_however_it_is_spelled(tmp_path, line):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("%%writefile helpers.py\ndef twice(x):\n    return 2 * x"),
        nbformat.v4.new_code_cell(line),
    )
    assert "from helpers import *" in sub.source.splitlines()


def test_a_directory_notebook_runs_cell_by_cell_and_may_run_a_module_beside_it(tmp_path):
    folder = tmp_path / "hw"
    folder.mkdir()
    (folder / "helpers.py").write_text("def twice(x):\n    return 2 * x\n")
    cells = [nbformat.v4.new_code_cell("%run helpers.py"), nbformat.v4.new_code_cell("y = 1")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "hw2.ipynb")
    # a fresh Untitled.ipynb beside it is not the work
    nbformat.write(nbformat.v4.new_notebook(cells=[]), folder / "Untitled.ipynb")
    sub = load_submission(folder)
    assert sub.error is None and sub.notebook == "hw2.ipynb"
    assert "from helpers import *" in sub.source.splitlines()
    assert _shown_names(sub) == {"submission.py": "hw2.ipynb"}  # (cell by cell, places too)
    # two notebooks with code and no .py file: which one is the work is not known
    (folder / "helpers.py").unlink()
    nbformat.write(nbformat.v4.new_notebook(cells=cells), folder / "scratch.ipynb")
    assert load_submission(folder).error == (
        "the directory holds 2 notebooks (hw2.ipynb, scratch.ipynb) and no .py file: name "
        "the one to grade solutions.ipynb"
    )


def test_what_ipython_keeps_no_output_of_leaves_the_history_alone(tmp_path):
    (tmp_path / "captured").mkdir()
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("x = 2.0\nx"),
        nbformat.v4.new_code_cell("x * 10;  # silenced, a comment after it"),
        nbformat.v4.new_code_cell("%%timeit\nx * 1000"),
        nbformat.v4.new_code_cell("seen = _"),
    )
    assert _ran(sub)["seen"] == 2.0
    captured = _load_notebook(
        tmp_path / "captured",
        nbformat.v4.new_code_cell("x = 2.0\nx"),
        nbformat.v4.new_code_cell("%%capture out --no-stderr\nx * 100"),
    ).source.splitlines()
    assert captured[-3:] == ["x * 100", _CAPTURED, "out = _gk_CapturedIO(None, None)"]


_CAPTURED = "from IPython.utils.capture import CapturedIO as _gk_CapturedIO"


def test_a_line_that_continues_a_statement_is_python_whatever_it_starts_with(tmp_path):
    # Black breaks long lines before an operator: `!= b` and `% args` there are Python
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("a, b = 1.0, 2.0\nsame = (\n    a\n    != b\n)"),
        nbformat.v4.new_code_cell('text = (\n    "%.1f"\n    % a\n)\nif a:\n    !echo hi'),
    )
    assert (_ran(sub)["same"], _ran(sub)["text"]) == (True, "1.0")
    assert sub.notes == ("notebook: dropped 1 IPython magic/shell line(s)",)


def test_a_magics_output_bound_to_a_name_gets_what_ipython_binds(tmp_path):
    sub = _load_notebook(
        tmp_path,
        nbformat.v4.new_code_cell("t = %timeit -o -q -n 20 -r 3 sum(range(9))\nbest = t.best"),
        nbformat.v4.new_code_cell("lines = !pip show jax"),
        nbformat.v4.new_code_cell("t2 = %timeit -n 5 sum(range(9))"),  # no -o: nothing bound
    )
    code = sub.source.splitlines()
    assert code[1] == (
        "from IPython.core.magics.execution import TimeitResult as _gk_TimeitResult; "
        "import time as _gk_time; _gk_t0 = _gk_time.perf_counter(); sum(range(9)); "
        "t = _gk_TimeitResult(1, 1, [_gk_time.perf_counter() - _gk_t0])"
    )
    assert "from IPython.utils.text import SList as _gk_SList; lines = _gk_SList()" in code
    assert not any(line.startswith("t2") for line in code)
    # the worker's stand-ins: IPython's attributes, timed once; no shell output
    result = TimeitResult(4, 2, [0.4, 0.8])
    assert (result.best, result.worst, result.average) == (0.1, 0.2, 0.15000000000000002)
    assert (SList(), SList(["a", "b"]).n, SList(["a", "b"]).s) == ([], "a\nb", "a b")
