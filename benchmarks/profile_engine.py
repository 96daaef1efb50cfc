"""Profile the engine with pyinstrument (``pip install -r benchmarks/requirements.txt``).

    python benchmarks/profile_engine.py                 # Engine(national, "python").evaluate
    python benchmarks/profile_engine.py --engine durable
    python benchmarks/profile_engine.py --compile       # load_rulesets() + Engine(...)
    python benchmarks/profile_engine.py --html out.html

Evaluations cycle over the examples on 2023-09-30, as ``run.py`` measures them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mutations import NATIONAL_RULES  # noqa: E402
from mutations import load_example_docs  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from govrules import Engine  # noqa: E402
from govrules import PlaceDeclaration  # noqa: E402
from govrules import load_rulesets  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", choices=["python", "durable"], default="python")
    ap.add_argument("--compile", action="store_true", help="profile compilation instead")
    ap.add_argument("-n", type=int, default=3000, help="evaluations (or compilations / 100)")
    ap.add_argument("--html", help="write an HTML report here instead of text")
    args = ap.parse_args()
    profiler = Profiler(interval=0.0002)
    if args.compile:
        Engine(load_rulesets(), args.engine)
        profiler.start()
        for _ in range(max(1, args.n // 100)):
            Engine(load_rulesets(), args.engine)
        profiler.stop()
    else:
        engine = Engine(load_rulesets([NATIONAL_RULES]), args.engine)
        decls = [PlaceDeclaration.model_validate(d) for d in load_example_docs()]
        as_of = dt.date(2023, 9, 30)
        for d in decls:
            engine.evaluate(d, as_of)
        profiler.start()
        for i in range(args.n):
            engine.evaluate(decls[i % len(decls)], as_of)
        profiler.stop()
    if args.html:
        Path(args.html).write_text(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
