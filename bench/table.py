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


def side_by_side(report: dict) -> str:
    """One line a page, the three passes beside each other, each figure against its target:
    the README's performance table."""
    m = report["machine"]
    met = {(t["target"], t["page"], t["mode"]): t["met"] for t in report.get("targets", [])}

    def mark(figure, target: str, page: str, mode: str) -> str:
        verdict = met.get((target, page, mode))
        return f"{figure}" if verdict is None else f"{figure} {'✓' if verdict else '✗'}"

    by_page: dict[str, dict] = {}
    for row in report["rows"]:
        by_page.setdefault(row["page"], {})[row.get("mode", "on" if row["cached"] else "off")] = row
    lines = [
        f"**{report['engine']}, page cache in {report.get('cache', 'files')}**: {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}; {report['tool']} with "
        f"{report['connections']} connections, {report['seconds_per_page']} s a page; run "
        f"{report['when']}. ✓ meets its target, ✗ misses it.",
        "",
        "| page | off: req/s | p50 ms | p99 ms (< 100) | on: req/s | × floor (≥ 0.75) "
        "| edit a second: req/s | × floor (≥ 0.5) | queries |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page, modes in by_page.items():
        off, on, edits = modes.get("off"), modes.get("on"), modes.get("edits")
        cells = [page]
        cells += (
            [f"{off['rps']:,.1f}", f"{off['p50_ms']}", mark(off["p99_ms"], "p99 ms", page, "off")]
            if off
            else ["", "", ""]
        )
        for mode, row in (("on", on), ("edits", edits)):
            cells += (
                [f"{row['rps']:,.1f}", mark(f"{row['ratio_to_floor']:.3f}", "× floor", page, mode)]
                if row
                else ["", ""]
            )
        queries = next((r["queries"] for r in modes.values() if r["queries"] is not None), "")
        cells.append(f"{queries}")
        lines.append("| " + " | ".join(cells) + " |")
    ratios = [t for t in report.get("targets", []) if t["target"].startswith("p50 ")]
    lines.append("")
    for t in ratios:
        lines.append(f"- {t['target']}: {t['value']} (≤ {t['limit']}) {'✓' if t['met'] else '✗'}")
    targets = report.get("targets", [])
    lines.append(f"- targets met: {sum(t['met'] for t in targets)} of {len(targets)}")
    return "\n".join(lines)


if __name__ == "__main__":
    compact = "--side-by-side" in sys.argv
    paths = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    for path in paths or sorted(Path(__file__).parent.glob("results/*.json")):
        report = json.loads(Path(path).read_text())
        print(side_by_side(report) if compact else markdown(report), end="\n\n")
