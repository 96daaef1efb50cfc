"""govrules benchmarks (issue 6): compile, evaluation, batch and HTTP figures, side by side.

    python benchmarks/run.py                 # full run, a table (about 3 minutes)
    python benchmarks/run.py --json          # one JSON object
    python benchmarks/run.py --quick         # tiny sizes, 1 s loads (the smoke test uses this)
    python benchmarks/run.py --skip-http --duration 5

Everything runs on this machine; the only network use is loopback to a ``govrules serve`` that
the script starts and stops itself. Figures are medians unless said otherwise. See
``benchmarks/README.md`` for what each key means and the targets of the issue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from handwritten import verdicts  # noqa: E402
from mutations import NATIONAL_RULES  # noqa: E402
from mutations import ROOT  # noqa: E402
from mutations import declarations  # noqa: E402
from mutations import load_example_docs  # noqa: E402
from mutations import to_json_text  # noqa: E402

from govrules import Engine  # noqa: E402
from govrules import PlaceDeclaration  # noqa: E402
from govrules import load_rulesets  # noqa: E402
from govrules import syntax  # noqa: E402
from govrules.backends.durable_backend import available as durable_available  # noqa: E402

AS_OF = dt.date(2023, 9, 30)
CONNECTIONS = 16

# key -> (unit, target as text, test of the value against the target or None)
TARGETS: dict[str, tuple[str, str, Callable[[float], bool] | None]] = {
    "compile_ms_cold": ("ms", "", None),
    "compile_ms": ("ms", "<= 50 (warm)", lambda v: v <= 50),
    "check_cold_ms": ("ms", "<= 1000", lambda v: v <= 1000),
    "eval_python_us": ("us", "", None),
    "eval_verdicts_us": ("us", "", None),
    "eval_reference_us": ("us", "", None),
    "eval_durable_us": ("us", "", None),
    "handwritten_us": ("us", "", None),
    "ratio_verdicts": ("x", "<= 2", lambda v: v <= 2),
    "ratio_python": ("x", "<= 8", lambda v: v <= 8),
    "ratio_reference": ("x", "(reported)", None),
    "ratio_durable": ("x", "<= 100", lambda v: v <= 100),
    "batch_decl_per_s": ("decl/s", "", None),
    "rss_growth_mb": ("MB", "<= 5", lambda v: v <= 5),
    "http_rps": ("req/s", "", None),
    "http_p99_ms": ("ms", "<= 100", lambda v: v <= 100),
    "http_baseline_rps": ("req/s", "", None),
    "http_ratio": ("x", ">= 0.5", lambda v: v >= 0.5),
    "http_ratio_durable": ("x", "(reported)", None),
}


# ----------------------------------------------------------------------------- helpers


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import yaml

        c_loader = bool(yaml.__with_libyaml__)
    except Exception:  # pragma: no cover
        c_loader = False
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "yaml_c_loader": c_loader,
    }


def commit() -> str | None:
    """The checked-out commit (with "+dirty" for uncommitted changes), if this is a git clone."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src", "rules"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    except OSError:
        return None
    if head.returncode != 0:
        return None
    return head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def rss_mb() -> float:
    """Resident set size of this process (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def govrules_cmd() -> list[str]:
    """The ``govrules`` command of this interpreter's environment."""
    beside = Path(sys.executable).parent / "govrules"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("govrules")
    return [found] if found else [sys.executable, "-m", "govrules.cli"]


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def models() -> list[PlaceDeclaration]:
    return [PlaceDeclaration.model_validate(d) for d in load_example_docs()]


# ----------------------------------------------------------------------------- compile


COLD_COMPILE = "from govrules import Engine, load_rulesets; Engine(load_rulesets())"


def time_process(argv: list[str], runs: int, ok: tuple[int, ...] = (0,)) -> float:
    """Median wall time in ms of a new process, timed from outside."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        times.append((time.perf_counter() - t) * 1e3)
        if proc.returncode not in ok:
            raise RuntimeError(f"{argv} exited {proc.returncode}: {proc.stderr.decode()[-500:]}")
    return median(times)


def timed_ms(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1e3


def bench_compile(runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["compile_ms_cold"] = time_process([sys.executable, "-c", COLD_COMPILE], runs)
    out["python_startup_ms"] = time_process([sys.executable, "-c", "pass"], runs)
    Engine(load_rulesets())  # first use: imports, grammar, durable registration
    reps = max(runs, 5)
    loads, engines, totals = [], [], []
    for _ in range(reps):
        t0 = time.perf_counter()
        program = load_rulesets()
        t1 = time.perf_counter()
        Engine(program)
        t2 = time.perf_counter()
        loads.append((t1 - t0) * 1e3)
        engines.append((t2 - t1) * 1e3)
        totals.append((t2 - t0) * 1e3)
    out["compile_ms"] = median(totals)
    out["compile_load_ms"] = median(loads)
    out["compile_engine_ms"] = median(engines)
    out["compile_engine"] = Engine(load_rulesets()).name
    out["compile_ms_python"] = median(
        [timed_ms(lambda: Engine(load_rulesets(), "python")) for _ in range(reps)]
    )
    # load_rulesets() keeps parsed modules (an LRU cache keyed by the text): the same work
    # with that cache cleared each time, as after a rule edit.
    def uncached() -> None:
        syntax._CACHE.clear()
        Engine(load_rulesets())

    out["compile_ms_uncached"] = median([timed_ms(uncached) for _ in range(reps)])
    out["check_cold_ms"] = time_process(
        [*govrules_cmd(), "check", "examples/northshire.yaml", "--as-of", "2023-09-30"], runs
    )
    return out


# ----------------------------------------------------------------------------- evaluation


def per_call_us(fn: Callable[[Any], Any], items: list[Any], n: int) -> float:
    """Median µs of ``fn(item)`` over ``n`` calls cycling through ``items`` (after a warm-up)."""
    for item in items:
        fn(item)
    times = []
    clock = time.perf_counter_ns
    for i in range(n):
        item = items[i % len(items)]
        t = clock()
        fn(item)
        times.append(clock() - t)
    return median(times) / 1e3


def interleaved_us(
    contenders: dict[str, tuple[Callable[[Any], Any], int]], items: list[Any], rounds: int
) -> dict[str, float]:
    """Median µs per call of each contender, measured side by side.

    Each round times every contender (in a rotating order) over ``batch`` calls cycling
    through ``items``; a contender's figure is the median over rounds of its mean per call.
    Drift on a shared machine (another process waking up, frequency changes) hits all of
    them in the same round, so their ratios hold even when the absolute figures move.
    """
    for fn, _ in contenders.values():
        for item in items:
            fn(item)  # warm-up: caches, generated code, durable registration
    names = list(contenders)
    samples: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter_ns
    gc.collect()
    for r in range(rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            fn, batch = contenders[name]
            t = clock()
            for i in range(batch):
                fn(items[i % len(items)])
            samples[name].append((clock() - t) / batch / 1e3)
    return {name: median(values) for name, values in samples.items()}


def bench_eval(n: int) -> dict[str, Any]:
    """The engines and the hand-written floor on the national ruleset, interleaved."""
    out: dict[str, Any] = {}
    program = load_rulesets([NATIONAL_RULES])
    decls = models()
    python = Engine(program, "python")
    reference = Engine(program, "python", reference=True)
    batch = len(decls) * 4
    contenders: dict[str, tuple[Callable[[Any], Any], int]] = {
        "handwritten_us": (lambda d: verdicts(d, AS_OF), batch),
        "eval_verdicts_us": (lambda d: python.verdicts(d, AS_OF), batch),
        "eval_python_us": (lambda d: python.evaluate(d, AS_OF), batch),
        "eval_reference_us": (lambda d: reference.evaluate(d, AS_OF), batch),
    }
    ok, why = durable_available()
    if ok:
        durable = Engine(program, "durable")
        contenders["eval_durable_us"] = (lambda d: durable.evaluate(d, AS_OF), len(decls))
    else:
        out["eval_durable_us"] = None
        out["durable_unavailable"] = why
    rounds = max(5, n // batch)
    out.update(interleaved_us(contenders, decls, rounds))
    hw = out["handwritten_us"]
    out["ratio_verdicts"] = out["eval_verdicts_us"] / hw
    out["ratio_python"] = out["eval_python_us"] / hw
    out["ratio_reference"] = out["eval_reference_us"] / hw
    out["ratio_durable"] = out["eval_durable_us"] / hw if ok else None
    out["eval_n"] = n
    out["eval_rounds"] = rounds
    return out


def bench_batch(n: int, warmup: int) -> dict[str, Any]:
    """``n`` generated declarations, validated and evaluated one by one on the default engine."""
    engine = Engine(load_rulesets([NATIONAL_RULES]))
    spent = 0.0
    rss_warm = 0.0
    clock = time.perf_counter
    for i, doc in enumerate(declarations(n)):
        if i == warmup:
            gc.collect()
            rss_warm = rss_mb()
        t = clock()
        engine.evaluate(PlaceDeclaration.model_validate(doc), AS_OF)
        spent += clock() - t
    gc.collect()
    rss_end = rss_mb()
    return {
        "batch_decl_per_s": n / spent,
        "rss_growth_mb": rss_end - rss_warm,
        "batch_n": n,
        "batch_engine": engine.name,
        "rss_end_mb": rss_end,
    }


# ----------------------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A ``govrules serve`` subprocess (its own process group), stopped on exit."""

    def __init__(self, workers: int, engine: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        argv = [*govrules_cmd(), "serve", "--port", str(self.port), "--workers", str(workers)]
        argv += ["--engine", engine]
        self.db_dir = tempfile.TemporaryDirectory(prefix="govrules-bench-")
        env = {**os.environ, "GOVRULES_DB": f"sqlite:///{self.db_dir.name}/register.db"}
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"govrules serve exited {self.proc.returncode}: {self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"govrules serve not ready after {timeout} s: {self.tail()}")

    def tail(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-1500:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def assessment_bodies() -> list[str]:
    return [
        json.dumps({"declaration": json.loads(to_json_text(d)), "as_of": AS_OF.isoformat()})
        for d in load_example_docs()
    ]


def check_assessment(base: str, body: str) -> None:
    req = urllib.request.Request(
        base + "/v1/assessments",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        report = json.loads(r.read())
    if r.status != 200 or report.get("format") != "govrules/report/v1":
        raise RuntimeError(f"POST /v1/assessments answered {r.status}: {str(report)[:300]}")


LUA_DONE = """
done = function(summary, latency, requests)
  io.write(string.format(
    "WRKJSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p99_us\\": %d, "
    .. "\\"errors\\": %d, \\"non2xx\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def wrk_script(bodies: list[str] | None) -> str:
    if bodies is None:
        return LUA_DONE
    for b in bodies:
        if "]==]" in b:
            raise ValueError("a body contains the Lua long-string terminator")
    items = ",\n".join(f"[==[{b}]==]" for b in bodies)
    return (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"bodies = {{\n{items}\n}}\n"
        "counter = 0\n"
        "request = function()\n"
        "  counter = counter + 1\n"
        "  return wrk.format(nil, nil, nil, bodies[counter % #bodies + 1])\n"
        "end\n" + LUA_DONE
    )


def load_wrk(url: str, bodies: list[str] | None, duration: float) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(wrk_script(bodies))
        script = f.name
    try:
        threads = max(1, min(2, os.cpu_count() or 1))
        argv = ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{max(1, round(duration))}s"]
        argv += ["--timeout", "10s", "-s", script, url]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(script)
    for line in proc.stdout.splitlines():
        if line.startswith("WRKJSON "):
            r = json.loads(line[len("WRKJSON ") :])
            ok = r["requests"] - r["non2xx"]
            return {
                "rps": ok / (r["duration_us"] / 1e6),
                "p50_ms": r["p50_us"] / 1e3,
                "p99_ms": r["p99_us"] / 1e3,
                "errors": r["errors"] + r["non2xx"],
                "requests": r["requests"],
            }
    raise RuntimeError(f"wrk gave no summary: {proc.stdout[-500:]} {proc.stderr[-500:]}")


def bench_http_one(workers: int, engine: str, duration: float) -> dict[str, float]:
    load = load_wrk
    bodies = assessment_bodies()
    with Server(workers, engine) as server:
        server.wait_ready()
        check_assessment(server.base, bodies[0])
        load(server.base + "/v1/assessments", bodies, min(2.0, duration / 2))  # warm-up
        base = load(server.base + "/healthz", None, duration)
        work = load(server.base + "/v1/assessments", bodies, duration)
    return {
        "rps": work["rps"],
        "p99_ms": work["p99_ms"],
        "p50_ms": work["p50_ms"],
        "baseline_rps": base["rps"],
        "baseline_p99_ms": base["p99_ms"],
        "ratio": work["rps"] / base["rps"],
        "errors": work["errors"] + base["errors"],
    }


WRK_MISSING = (
    "wrk is not installed; HTTP figures need it (Debian/Ubuntu: sudo apt-get install wrk; "
    "macOS: brew install wrk)"
)

HTTP_RUNS = [
    ("python", 2, ""),
    ("python", 1, "_1w"),
    ("durable", 2, "_durable"),
    ("durable", 1, "_durable_1w"),
]


def bench_http(duration: float) -> dict[str, Any]:
    out: dict[str, Any] = {
        "http_tool": "wrk",
        "http_connections": CONNECTIONS,
        "http_duration_s": duration,
    }
    ok, why = durable_available()
    if not shutil.which("wrk"):
        # A Python load generator shares the two cores with the server and starves it; its
        # figures would not be comparable, so none are given under these keys.
        for _, _, suffix in HTTP_RUNS:
            for key in ("rps", "p99_ms", "p50_ms", "baseline_rps", "ratio", "errors"):
                out[f"http_{key}{suffix}"] = None
        out["http_unavailable"] = WRK_MISSING
        return out
    for engine, workers, suffix in HTTP_RUNS:
        keys = {
            "rps": f"http_rps{suffix}",
            "p99_ms": f"http_p99_ms{suffix}",
            "p50_ms": f"http_p50_ms{suffix}",
            "baseline_rps": f"http_baseline_rps{suffix}",
            "ratio": f"http_ratio{suffix}",
            "errors": f"http_errors{suffix}",
        }
        if engine == "durable" and not ok:
            out.update(dict.fromkeys(keys.values()))
            out["durable_unavailable"] = why
            continue
        log(f"HTTP: {engine} engine, {workers} worker(s), {duration:g} s per load, wrk")
        r = bench_http_one(workers, engine, duration)
        out.update({keys[k]: r[k] for k in keys})
    return out


# ----------------------------------------------------------------------------- main


ORDER = [
    "compile_ms_cold",
    "compile_ms",
    "compile_load_ms",
    "compile_engine_ms",
    "compile_ms_python",
    "compile_ms_uncached",
    "python_startup_ms",
    "check_cold_ms",
    "eval_python_us",
    "eval_verdicts_us",
    "eval_reference_us",
    "eval_durable_us",
    "handwritten_us",
    "ratio_verdicts",
    "ratio_python",
    "ratio_reference",
    "ratio_durable",
    "batch_decl_per_s",
    "rss_growth_mb",
    "http_rps",
    "http_p99_ms",
    "http_baseline_rps",
    "http_ratio",
    "http_rps_1w",
    "http_p99_ms_1w",
    "http_baseline_rps_1w",
    "http_ratio_1w",
    "http_rps_durable",
    "http_p99_ms_durable",
    "http_baseline_rps_durable",
    "http_ratio_durable",
    "http_rps_durable_1w",
    "http_p99_ms_durable_1w",
    "http_baseline_rps_durable_1w",
    "http_ratio_durable_1w",
]


def table(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        f"govrules benchmarks, {result['date']}, commit {result['commit']}: "
        f"{m['nproc']} x {m['cpu']}, "
        f"Python {m['python']} ({m['platform']}), YAML C loader: {m['yaml_c_loader']}",
        f"evaluations: {result.get('eval_n')} per back-end on the national ruleset; batch: "
        f"{result.get('batch_n')} declarations on the {result.get('batch_engine')} engine; HTTP: "
        f"{result.get('http_tool', '-')}, {CONNECTIONS} connections, "
        f"{result.get('http_duration_s', '-')} s per load",
        "",
        f"{'figure':<30} {'value':>12}  {'unit':<7} {'target':<24} met",
        "-" * 80,
    ]
    for key in ORDER:
        if key not in result:
            continue
        value = result[key]
        unit, target, test = TARGETS.get(key, ("", "", None))
        if not unit:
            unit = "ms" if key.endswith("_ms") or "_ms_" in key else "x" if "ratio" in key else ""
            unit = unit or ("req/s" if "rps" in key else "")
        shown = "n/a" if value is None else f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
        met = "" if test is None or value is None else ("yes" if test(value) else "NO")
        lines.append(f"{key:<30} {shown:>12}  {unit:<7} {target:<24} {met}")
    for key in ("durable_unavailable", "http_skipped"):
        if key in result:
            lines.append(f"{key}: {result[key]}")
    lines.append(f"total run time: {result['elapsed_s']:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--quick", action="store_true", help="tiny sizes (for the smoke test)")
    ap.add_argument("--duration", type=float, default=None, help="seconds per HTTP load")
    ap.add_argument("--skip-http", action="store_true", help="no HTTP figures (null)")
    args = ap.parse_args(argv)
    quick = args.quick
    duration = args.duration if args.duration is not None else (1.0 if quick else 10.0)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "commit": commit(),
        "quick": quick,
    }
    log("compile (cold and warm) and govrules check cold start")
    result.update(bench_compile(3 if quick else 5))
    log("evaluation: python, durable, hand-written")
    result.update(bench_eval(200 if quick else 2000))
    log("batch of generated declarations")
    result.update(bench_batch(*((300, 100) if quick else (10_000, 500))))
    if args.skip_http:
        for _, _, suffix in HTTP_RUNS:
            for k in ("rps", "p99_ms", "p50_ms", "baseline_rps", "ratio", "errors"):
                result[f"http_{k}{suffix}"] = None
        result["http_skipped"] = "--skip-http"
    else:
        result.update(bench_http(duration))
    result["elapsed_s"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
