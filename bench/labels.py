"""Label sheets: 10,000 labels to PDF through the same service as the CLI and the web.

Run with any inventory of at least 10,000 trees (make demo-full): make bench-labels
Prints labels/second and the process's peak memory for each layout, with and without Code 128.
"""

import resource
import statistics
import tempfile
import time

from sqlalchemy import select

from smarttrees import create_app
from smarttrees.extensions import db
from smarttrees.labels.sheets import register_fonts
from smarttrees.models import Tree
from smarttrees.services import labels

COUNT = 10_000
RUNS = 3


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    app = create_app()
    with app.app_context():
        fonts = register_fonts(app.config["LABEL_FONT"], app.config["LABEL_FONT_BOLD"])
        codes = tuple(db.session.scalars(select(Tree.code).order_by(Tree.id).limit(COUNT)))
        print(
            f"{len(codes):,} labels a PDF; median of {RUNS} runs; peak memory before: "
            f"{peak_mb():.0f} MB"
        )
        print(
            f"{'layout':<10} {'code128':>7} {'seconds':>8} {'labels/s':>9} {'PDF MB':>7} "
            f"{'peak MB':>8}"
        )
        for layout in ("a4-3x8", "a4-2x5", "tag-50x30"):
            for code128 in (False, True):
                times, size = [], 0
                for _ in range(RUNS):
                    with tempfile.TemporaryFile() as out:
                        started = time.perf_counter()
                        labels.write_labels(
                            labels.Selection(codes=codes),
                            out,
                            base_url=app.config["BASE_URL"],
                            layout=layout,
                            fonts=fonts,
                            code128=code128,
                        )
                        times.append(time.perf_counter() - started)
                        size = out.tell()
                seconds = statistics.median(times)
                print(
                    f"{layout:<10} {code128!s:>7} {seconds:8.2f} {len(codes) / seconds:9.0f} "
                    f"{size / 2**20:7.1f} {peak_mb():8.0f}"
                )


if __name__ == "__main__":
    main()
