"""What each benchmark page costs in machine instructions, counted by valgrind (callgrind).

    DATABASE_URL=... python bench/instructions.py --seed seed.json [--n 20] [--page course]

Unlike time, the count does not move when other programs share the machine: the way to judge
a change to the code on a busy machine (a few per cent is a real difference). The app is
loaded and warmed outside the count; callgrind counts only the `--n` requests of each page,
one request at a time, in-process (no gunicorn, no network). Needs valgrind (Debian's package).
Pages that write (quiz submit, complete module) change the database: use a copy.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _inner(args):
    """Run under valgrind: warm up, then switch the count on for the measured requests only."""
    from pages import page_calls

    from learnhub import create_app

    call = page_calls(create_app(), json.loads(Path(args.seed).read_text()))[args.page]
    for i in range(3):
        call(i)
    control = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(control, check=True, capture_output=True)
    for i in range(args.n):
        assert call(i).status_code in (200, 204, 302)
    subprocess.run(control[:1] + ["--instr=off", str(os.getpid())], check=True, capture_output=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", required=True)
    parser.add_argument("--n", type=int, default=20)
    parser.add_argument("--page", action="append", help="a page of pages.py (default: the read-only ones)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        args.page = args.page[0]
        return _inner(args)
    for page in args.page or ["catalogue", "course", "module (return visit)", "module (moving on)", "learning record"]:
        with tempfile.NamedTemporaryFile(suffix=".callgrind") as out:
            subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--instr-atstart=no",
                    f"--callgrind-out-file={out.name}",
                    sys.executable,
                    __file__,
                    "--inner",
                    "--seed",
                    args.seed,
                    "--n",
                    str(args.n),
                    "--page",
                    page,
                ],
                check=True,
                capture_output=True,
                # The pages finish modules at once: they measure the code, not study time.
                env=dict(os.environ, LESSON_READ_SHARE="0", VIDEO_PLAYED_SHARE="0"),
            )
            total = int(re.search(r"^totals: (\d+)", Path(out.name).read_text(), re.M).group(1))
        print(f"{page:<24}{total / args.n / 1e6:>8.2f} M instructions per request", flush=True)


if __name__ == "__main__":
    main()
