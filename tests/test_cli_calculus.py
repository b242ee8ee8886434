"""The calculus commands, run with click's CliRunner: exact output, exact errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import jax
import pytest
from click.testing import CliRunner, Result

from gradkit._cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]

# The backend the suite runs on (GRADKIT_TEST_PLATFORM, tests/conftest.py). On the
# CPU the device tests assert the exact CPU-only listing; on an accelerator its
# backend is present too (and the default), and tpu (gpu on a TPU) is the absent one.
DEFAULT = {"cuda": "gpu", "rocm": "gpu"}.get(jax.default_backend(), jax.default_backend())
ABSENT = "tpu" if DEFAULT == "gpu" else "gpu"
PRESENT = "cpu" if DEFAULT == "cpu" else f"cpu, {DEFAULT}"
INSTALL = {
    "gpu": "pip install 'jax[cuda12]'",
    "tpu": "pip install 'jax[tpu]' on a Cloud TPU VM",
}


pytestmark = pytest.mark.usefixtures("host")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="gradkit")


def lines(result: Result) -> list[str]:
    return [line.rstrip() for line in result.output.splitlines()]


SEED = [
    "h=0.10000, numerical limit=2.30000",
    "h=0.01000, numerical limit=2.03000",
    "h=0.00100, numerical limit=2.00300",
    "h=0.00010, numerical limit=2.00030",
    "h=0.00001, numerical limit=2.00003",
]


def test_limit_prints_the_seeds_five_lines() -> None:
    result = run("limit", "3*x**2 - 4*x", "--at", "1")
    assert result.exit_code == 0, result.output
    assert lines(result) == SEED


def test_limit_with_exact_adds_the_error_against_autodiff() -> None:
    result = run("limit", "3*x**2 - 4*x", "--at", "1", "--exact", "--steps", "3")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "h=0.10000, numerical limit=2.30000, error=3.00000e-01",
        "h=0.01000, numerical limit=2.03000, error=3.00000e-02",
        "h=0.00100, numerical limit=2.00300, error=3.00000e-03",
        "f'(1) = 2 (autodiff)",
    ]


def test_limit_takes_steps_and_registered_names() -> None:
    result = run("limit", "quadratic", "--at", "1", "--h", "0.1", "--h", "0.001")
    assert lines(result) == [SEED[0], SEED[2]]
    result = run("limit", "3*x**2 - 4*x", "--at", "1", "--h", "1e-4,1e-5")
    assert lines(result) == SEED[3:]


def test_limit_json() -> None:
    result = run("limit", "x**3 - 1/x", "--at", "1", "--exact", "--json", "--steps", "2")
    data = json.loads(result.output)
    assert data["expression"] == "x**3 - 1/x" and data["x"] == 1.0 and data["exact"] == 4.0
    assert [row["h"] for row in data["rows"]] == [0.1, 0.01]
    assert data["rows"][0]["limit"] == pytest.approx(4.2190909090909)
    assert data["rows"][1]["error"] == pytest.approx(0.0201990099)


def test_limit_refuses_h_and_steps_together() -> None:
    result = run("limit", "x", "--at", "1", "--h", "0.1", "--steps", "2")
    assert result.exit_code == 2
    assert "Error: give either --h (repeatable) or --steps, not both" in result.output


def test_diff_scalar() -> None:
    result = run("diff", "3*x**2 - 4*x", "--at", "1")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "x     = 1",
        "f(x)  = -1",
        "f'(x) = 2  (autodiff)",
        "check = 2  (central differences)",
        "max |difference| = 0.0e+00",
    ]


def test_diff_gradient_of_exercise_7() -> None:
    result = run("diff", "3*x[0]**2 + 5*exp(x[1])", "--at", "1,0")
    assert lines(result) == [
        "x        = [1, 0]",
        "f(x)     = 8",
        "gradient = [6, 5]  (autodiff)",
        "check    = [6, 5]  (central differences)",
        "max |difference| = 4.4e-11",
    ]


def test_diff_hessian_and_second_derivative() -> None:
    result = run("diff", "3*x[0]**2 + 5*exp(x[1])", "--at", "[1, 0]", "--order", "2")
    assert lines(result)[2] == "hessian = [[6, 0], [0, 5]]  (autodiff)"
    result = run("diff", "x**3 - 1/x", "--at", "1", "--order", "2")
    assert lines(result)[2] == "f''(x) = 4  (autodiff)"


def test_diff_jacobian_of_an_elementwise_function() -> None:
    result = run("diff", "sin(x)", "--at", "0,0", "--jacobian")
    assert lines(result)[1:4] == [
        "f(x)     = [0, 0]",
        "jacobian = [[1, 0], [0, 1]]  (autodiff)",
        "check    = [[1, 0], [0, 1]]  (central differences)",
    ]


def test_diff_with_a_finite_difference_method_checks_against_autodiff() -> None:
    result = run("diff", "3*x**2 - 4*x", "--at", "1", "--method", "complex")
    assert lines(result)[2:] == [
        "f'(x) = 2  (complex step)",
        "check = 2  (autodiff)",
        "max |difference| = 0.0e+00",
    ]
    result = run("diff", "x[0]*x[1]", "--at", "[2, 3]", "--method", "richardson")
    assert lines(result)[2:4] == [
        "gradient = [3, 2]  (Richardson extrapolation)",
        "check    = [3, 2]  (autodiff)",
    ]


def test_diff_json() -> None:
    data = json.loads(run("diff", "2*sum(x*x)", "--at", "0,1,2,3", "--json").output)
    assert data["name"] == "gradient" and data["derivative"] == [0.0, 4.0, 8.0, 12.0]
    assert data["method"] == "autodiff" and data["check_method"] == "central"
    assert data["max_abs_difference"] < 1e-8


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["diff", "log(x)", "--at", "-1"], 1,
         "Error: the value of 'log(x)' is not finite at x=-1 (nan): choose a point inside the "
         "function's domain where it is differentiable"),
        (["diff", "sqrt(x)", "--at", "0"], 1,
         "Error: the derivative of 'sqrt(x)' is not finite at x=0"),
        (["diff", "x.real", "--at", "1"], 1, "Error: attribute access ('.real') is not allowed"),
        (["diff", "x", "--at", "nope"], 2,
         "Error: Invalid value for '--at': cannot read 'nope' as numbers: give a number, "
         "comma-separated numbers (3,-4,0) or a JSON nested list ([[1,2],[3,4]])"),
        (["diff", "x", "--at", "[1, true]"], 2, "cannot read '[1, true]' as numbers"),
        (["diff", "x", "--at", "[]"], 2, "Error: Invalid value for '--at': '[]' holds no numbers"),
        (["diff", "x", "--at", "1", "--order", "9"], 2, "9 is not in the range 1<=x<=4"),
        (["diff", "abs(x)", "--at", "0", "--method", "complex"], 1,
         "Error: method='complex' needs f built from analytic (holomorphic) operations"),
        (["diff", "x", "--at", "1", "--device", ABSENT], 1,
         f"Error: JAX has no {ABSENT!r} backend in this process (present: {PRESENT}). To use "
         f"it: {INSTALL[ABSENT]}"),
        (["limit", "x[0]", "--at", "1"], 1,
         "Error: expression 'x[0]' indexes x up to x[0], so x must be a vector"),
        (["norm", "3,-4", "--axis", "a"], 2,
         "Error: Invalid value for --axis: 'a' is not an axis: give an integer (0) or two (0,1)"),
        (["norm", "3,-4,0", "--ord", "l7"], 1, "Error: unknown norm 'l7'; known norms: "),
    ],
)  # fmt: skip
def test_errors_are_one_clear_line(args: list[str], status: int, message: str) -> None:
    result = run(*args)
    assert result.exit_code == status, result.output
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["3,-4,0"], "5"),
        (["3,-4,0", "--ord", "1"], "7"),
        (["3,-4,0", "--ord", "inf"], "4"),
        (["--", "-3,4"], "5"),
        (["[[1,2,3],[4,5,6]]", "--axis", "0"], "[4.123105626, 5.385164807, 6.708203932]"),
        (["[[1,2,3],[4,5,6]]", "--axis", "1"], "[3.741657387, 8.774964387]"),
        (["[[1,2,3],[4,5,6]]", "--ord", "fro"], "9.539392014"),
        (["[[1,2,3],[4,5,6]]", "--axis", "1", "--keepdims"], "[[3.741657387], [8.774964387]]"),
    ],
)
def test_norm_reproduces_the_seed(args: list[str], expected: str) -> None:
    result = run("norm", *args)
    assert result.exit_code == 0, result.output
    assert lines(result) == [expected]


def test_norm_json() -> None:
    data = json.loads(run("norm", "[[1,2,3],[4,5,6]]", "--axis", "0,1", "--json").output)
    assert data == {
        "values": [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
        "ord": None,
        "axis": [0, 1],
        "norm": pytest.approx(9.539392014169456),
    }


def _accelerator_rows() -> list[tuple[str, str, str]]:
    """(backend, status, devices) on an accelerator, its devices read from JAX."""
    rows = []
    for name in ("cpu", "gpu", "tpu"):
        present = name in ("cpu", DEFAULT)
        devices = (
            ", ".join(f"{d.id}: {d.device_kind}" for d in jax.devices(name)) if present else "-"
        )
        status = ("default" if name == DEFAULT else "present") if present else "absent"
        rows.append((name, status, devices))
    return rows


def test_devices_lists_every_backend() -> None:
    result = run("devices")
    assert result.exit_code == 0, result.output
    if DEFAULT == "cpu":
        assert lines(result) == [
            "backend   status    devices",
            "───────────────────────────",
            "cpu       default   0: cpu",
            "gpu       absent    -",
            "tpu       absent    -",
        ]
    else:
        header, rule, *rows = lines(result)
        assert header.split() == ["backend", "status", "devices"]
        assert set(rule) == {"─"}
        assert [tuple(re.split(r"\s{2,}", row, maxsplit=2)) for row in rows] == _accelerator_rows()


def test_devices_json() -> None:
    data = json.loads(run("devices", "--json").output)
    if DEFAULT == "cpu":
        assert data == [
            {"backend": "cpu", "available": True, "default": True, "devices": ["0: cpu"]},
            {"backend": "gpu", "available": False, "default": False, "devices": []},
            {"backend": "tpu", "available": False, "default": False, "devices": []},
        ]
    else:
        assert data == [
            {
                "backend": name,
                "available": status != "absent",
                "default": status == "default",
                "devices": [] if devices == "-" else devices.split(", "),
            }
            for name, status, devices in _accelerator_rows()
        ]


def test_device_cpu_is_accepted() -> None:
    assert run("diff", "x**2", "--at", "3", "--device", "cpu").exit_code == 0


MINE = ["limit", "diff", "plot", "graph", "norm", "devices"]


@pytest.mark.parametrize("name", MINE)
def test_help_is_complete(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: gradkit {name} [OPTIONS]")
    command = cli.get_command(click.Context(cli), name)
    assert command is not None and command.help
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"gradkit {name} {param.opts[0]} has no help text"
            assert param.opts[-1] in result.output


@pytest.mark.parametrize("name", ["limit", "diff", "norm", "plot"])
def test_computing_commands_take_a_device(name: str) -> None:
    output = run(name, "--help").output
    assert "--device [cpu|gpu|tpu]" in output
    assert ("--json" in output) == (name != "plot")


def test_every_command_is_documented_in_docs_cli_md() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## gradkit ([\w-]+)\s*$", text, flags=re.MULTILINE))
    missing = sorted(set(COMMANDS) - documented)
    assert not missing, (
        f"docs/cli.md has no '## gradkit <command>' section for: {', '.join(missing)}. "
        "Every command in gradkit._cli.COMMANDS needs one, with a ```console example."
    )


# --- the command line teaches --------------------------------------------------------


def test_diff_at_several_points_gives_the_elementwise_derivative() -> None:
    result = run("diff", "sin(x)", "--at", "0,1,2")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        "x     = [0, 1, 2]",
        "f(x)  = [0, 0.8414709848, 0.9092974268]",
        "f'(x) = [1, 0.5403023059, -0.4161468365]  (autodiff, at each point)",
        "check = [1, 0.5403023059, -0.4161468365]  (central differences)",
        "max |difference| = 2.0e-12",
    ]
    second = run("diff", "x**3", "--at", "[[1, 2], [3, 4]]", "--order", "2")
    assert lines(second)[2] == "f''(x) = [[6, 12], [18, 24]]  (autodiff, at each point)"
    data = json.loads(run("diff", "x**2", "--at", "1,2", "--json").output)
    assert data["elementwise"] is True and data["derivative"] == [2.0, 4.0]
    # not elementwise: the gradient, as before
    assert lines(run("diff", "sum(sin(x))", "--at", "0,0"))[2].startswith("gradient = [1, 1]")


KINK_ABS = [
    "x     = 0",
    "f(x)  = 0",
    "f'(x) = 0  (autodiff)",
    "check = 0  (central differences)",
    "max |difference| = 0.0e+00",
    "f is not differentiable at x = 0: it has a kink there (slope -1 from the left,",
    "1 from the right). Autodiff gives 0, the subgradient nearest 0: gradkit's",
    "convention at a kink, as in gk.norm (abs'(0) = relu'(0) = 0). Central",
    "differences give the mean of the two slopes, 0. Neither is a derivative.",
]


def test_diff_at_a_kink_explains_and_exits_1() -> None:
    result = run("diff", "abs(x)", "--at", "0")
    assert result.exit_code == 1
    assert lines(result) == KINK_ABS


def test_diff_disagreement_at_relus_kink_is_not_a_success() -> None:
    result = run("diff", "relu(x)", "--at", "0")
    assert result.exit_code == 1
    assert lines(result)[2:] == [
        "f'(x) = 0  (autodiff)",
        "check = 0.5  (central differences)",
        "max |difference| = 5.0e-01",
        "f is not differentiable at x = 0: it has a kink there (slope 0 from the left, 1",
        "from the right). Autodiff gives 0, the subgradient nearest 0: gradkit's",
        "convention at a kink, as in gk.norm (abs'(0) = relu'(0) = 0). Central",
        "differences give the mean of the two slopes, 0.5. Neither is a derivative.",
    ]


def test_diff_names_another_functions_own_convention() -> None:
    result = run("diff", "jax.numpy:abs", "--at", "0")  # jnp.abs: derivative 1 at 0
    assert result.exit_code == 1
    text = " ".join(lines(result)[5:])
    assert text == (
        "f is not differentiable at x = 0: it has a kink there (slope -1 from the left, "
        "1 from the right). Autodiff gives 1, a value between the slopes chosen by the "
        "function's own derivative rule (gradkit's abs, relu and gk.norm take the "
        "subgradient nearest 0 at a kink). Central differences give the mean of the two "
        "slopes, 0. Neither is a derivative."
    )


def test_diff_at_a_jump_explains_and_exits_1() -> None:
    result = run("diff", "abs(x)", "--at", "0", "--order", "2")  # f' = sign(x) jumps at 0
    assert result.exit_code == 1
    assert " ".join(lines(result)[5:]) == (
        "f' is not differentiable at x = 0: it jumps there, from -1 on the left to 1 on "
        "the right, so no tangent line exists. Autodiff gives the derivative of the piece "
        "x lies on; a difference quotient across the jump grows without bound as h shrinks."
    )


def test_diff_names_the_coordinate_and_the_point() -> None:
    result = run("diff", "abs(x[0]) + x[1]", "--at", "0,1")
    assert result.exit_code == 1
    assert lines(result)[5].startswith("f is not differentiable at x[0] = 0: it has a kink")
    each = run("diff", "abs(x)", "--at", "-1,0,1")
    assert each.exit_code == 1
    assert lines(each)[5].startswith("f is not differentiable at x[1] = 0: it has a kink")
    data = json.loads(run("diff", "relu(x)", "--at", "0", "--json").output)
    assert (data["agree"], data["differentiable"]) == (False, False)
    assert data["explanation"].startswith("f is not differentiable at x = 0: it has a kink")


def test_diff_smooth_points_next_to_a_kink_pass() -> None:
    for at in ("0.5", "-0.001", "1e-3"):
        assert run("diff", "abs(x)", "--at", at).exit_code == 0, at


def test_diff_outside_the_domain_is_an_error() -> None:
    result = run("diff", "sqrt(x)", "--at", "0")
    assert result.exit_code == 1
    assert result.output == (
        "Error: the derivative of 'sqrt(x)' is not finite at x=0 (inf): choose a point "
        "inside the function's domain where it is differentiable\n"
    )


def test_limit_prints_enough_digits_for_every_step() -> None:
    result = run("limit", "3*x**2 - 4*x", "--at", "1", "--steps", "8")
    assert result.exit_code == 0, result.output
    assert lines(result) == [
        *SEED,
        "h=0.000001, numerical limit=2.000003",
        "h=0.0000001, numerical limit=2.0000003",
        "h=0.00000001, numerical limit=1.99999999",
    ]
    assert "0.00000," not in run("limit", "x**2", "--at", "1", "--h", "2.5e-7").output
    assert lines(run("limit", "x**2", "--at", "1", "--h", "2.5e-7")) == [
        "h=0.00000025, numerical limit=2.00000025"
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("limt", "Error: No such command 'limt'. Did you mean 'limit'?"),
        ("exercise", "Error: No such command 'exercise'. Did you mean 'exercises'?"),
        ("grde", "Error: No such command 'grde'. Did you mean 'grade'?"),
        ("zzz", "Error: No such command 'zzz'. See 'gradkit --help' for the commands."),
    ],
)
def test_a_mistyped_command_gets_did_you_mean(typed: str, message: str) -> None:
    result = run(typed)
    assert result.exit_code == 2
    assert message in result.output


def test_did_you_mean_starts_without_jax() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from gradkit._cli import main\n"
        "try:\n"
        "    main(['limt'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 2, exit.code\n"
        "assert 'jax' not in sys.modules, 'the hint imported JAX'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Did you mean 'limit'?" in done.stderr
