#!/usr/bin/env python3
"""Draws docs/performance-scale.svg: seconds per step against workers at 10M parameters and 1 Gbit/s links, for
ours on the star and on the chain, PyTorch DDP (gloo ring), and the link floors of the chain and the ring.
The figures are the ones docs/performance.md's "Scale II" tables give (measured with
`dotnet run -c Release --project bench/Benchmarks -- scale --workers N --params 10M --link 1gbit`); update both
together. Plain SVG, no plotting library: python3 bench/plots/scale_plot.py"""
import math
import os

WORKERS = [1, 2, 4, 8, 16]
# s/step, from docs/performance.md (Scale II): the star at 11:36-12:14 UTC (3 warm-up steps), the chain at
# 17:06-17:41 UTC (14 warm-up steps, 8-30 measured), and the chain with sealed lanes and DDP (same runs, 14 warm-up
# steps, 28-30 measured) at 19:45-20:19 UTC.
STAR = [6.03, 6.28, 7.00, 8.26, 11.26]
CHAIN_BEFORE = [2.45, 1.66, 1.17, 1.35, 2.36]
CHAIN = [2.43, 1.59, 1.17, 1.13, 1.74]
DDP = [1.66, 1.18, 0.98, 0.92, 1.14]
SERIES = {"ours, star (before)": (STAR, "#999999", "6,4"), "ours, chain (17:06)": (CHAIN_BEFORE, "#9ecae1", "6,4")}
P, LINK, COMPUTE, SHARDS = 9_998_229, 125e6, 0.1, 16


def chain_floor(n):
    return 2 * 4 * P / LINK + math.ceil(SHARDS / n) * COMPUTE


def ring_floor(n):
    return 2 * (n - 1) / n * 4 * P / LINK + math.ceil(SHARDS / n) * COMPUTE


def main(chain, ddp):
    SERIES["ours, chain, sealed lanes"] = (chain, "#1f77b4", "")
    SERIES["PyTorch DDP (gloo ring)"] = (ddp, "#d62728", "")
    SERIES["chain's link floor"] = ([chain_floor(n) for n in WORKERS], "#1f77b4", "2,3")
    SERIES["ring's link floor"] = ([ring_floor(n) for n in WORKERS], "#d62728", "2,3")
    w, h, left, right, top, bottom = 680, 400, 60, 240, 30, 50
    ymin, ymax = 0.5, 16.0
    def x(n):
        return left + (math.log2(n) / 4) * (w - left - right)
    def y(v):
        return top + (1 - (math.log10(v) - math.log10(ymin)) / (math.log10(ymax) - math.log10(ymin))) * (h - top - bottom)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>',
           f'<text x="{left}" y="18" font-size="13">Seconds per step, 10M parameters, 1 Gbit/s links (2 cores, 2026-12-07)</text>']
    for v in [0.5, 1, 2, 4, 8, 16]:
        out.append(f'<line x1="{left}" x2="{w - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 8}" y="{y(v) + 4:.1f}" text-anchor="end">{v:g}</text>')
    for n in WORKERS:
        out.append(f'<text x="{x(n):.1f}" y="{h - bottom + 18}" text-anchor="middle">{n}</text>')
    out.append(f'<text x="{(left + w - right) / 2:.1f}" y="{h - 12}" text-anchor="middle">workers (DDP: ranks)</text>')
    out.append(f'<text x="14" y="{(top + h - bottom) / 2:.1f}" transform="rotate(-90 14 {(top + h - bottom) / 2:.1f})" text-anchor="middle">s/step (log)</text>')
    legend_y = top + 10
    for name, (values, colour, dash) in SERIES.items():
        points = " ".join(f"{x(n):.1f},{y(v):.1f}" for n, v in zip(WORKERS, values) if v)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dashes}/>')
        if "floor" not in name:
            for n, v in zip(WORKERS, values):
                out.append(f'<circle cx="{x(n):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>')
        out.append(f'<line x1="{w - right + 10}" x2="{w - right + 34}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" stroke-width="2"{dashes}/>')
        out.append(f'<text x="{w - right + 40}" y="{legend_y + 4}">{name}</text>')
        legend_y += 20
    out.append("</svg>")
    path = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "performance-scale.svg")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(CHAIN, DDP)
