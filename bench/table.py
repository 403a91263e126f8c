"""Print a bench/results/*.json file as the Markdown table the README shows, and its targets."""

import json
import sys
from pathlib import Path

MODES = {"off": "off", "on": "on", "edits": "on, an edit a second"}


def markdown(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"**{report['engine']}, page cache in {report.get('cache', 'local memory')}**: "
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"Python {m['python']}; {report['tool']} with {report['connections']} connections, "
        f"{report['seconds_per_page']} s a page; run {report['when']}.",
        "",
        "| page | page cache | req/s | p50 ms | p95 ms | p99 ms | queries | × floor |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["rows"]:
        queries = "" if row["queries"] is None else row["queries"]
        page = row["page"]
        if row["csv_peak_worker_growth_mb"] is not None:
            page += f" (peak worker memory +{row['csv_peak_worker_growth_mb']} MB)"
        lines.append(
            f"| {page} | {MODES[row.get('mode', 'on' if row['cached'] else 'off')]} | "
            f"{row['rps']:,.1f} | "
            f"{row['p50_ms']} | {row['p95_ms']} | {row['p99_ms']} | {queries} | "
            f"{row['ratio_to_floor']:.3f} |"
        )
    if report.get("targets"):
        lines += [
            "",
            "| target | page | page cache | figure | limit | |",
            "| --- | --- | --- | ---: | ---: | --- |",
        ]
        for t in report["targets"]:
            lines.append(
                f"| {t['target']} | {t['page'] or ''} | {MODES[t['mode']]} | {t['value']} | "
                f"{t['limit']} | {'PASS' if t['met'] else 'MISS'} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    for path in sys.argv[1:] or sorted(Path(__file__).parent.glob("results/*.json")):
        print(markdown(json.loads(Path(path).read_text())), end="\n\n")
