"""The statistics' charts, drawn on the server as SVG by pygal (a library shipped with the app:
nothing is fetched by the browser but the SVG itself).

Each chart is its own SVG document, shown through <img> with a text alternative, and the page
gives the same figures as a table beside it. An SVG used as an image runs no script and fetches
nothing, and its own <style> is its own: the page's Content Security Policy (no inline script or
style) stays as it is. pygal's tooltips script (fetched from a CDN by default) is switched off
(`js=[]`); the small configuration script pygal still writes into the SVG never runs in <img>.
"""

import pygal
from pygal.style import Style

from .statistics import Breakdown

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'
# The site's colours (static/css/osez.css), then colours distinct from them in hue and lightness.
COLOURS = ("#3a2d8f", "#b5341b", "#1d6b3a", "#8a5200", "#5a8dd6", "#9e9e9e", "#c25b9b", "#2a9d8f")

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b24",
    foreground_strong="#1b1b24",
    foreground_subtle="#4f5263",
    colors=COLOURS,
    opacity="0.9",
    opacity_hover="1",
    font_family=FONT,
    label_font_family=FONT,
    major_label_font_family=FONT,
    legend_font_family=FONT,
    title_font_family=FONT,
    value_font_family=FONT,
    label_font_size=15,
    major_label_font_size=15,
    legend_font_size=15,
    value_font_size=14,
    title_font_size=16,
)

ROW_HEIGHT = 34
WIDTH = 640


LABEL_LENGTH = 28  # longer labels are cut (the table beside the chart gives them whole)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1].rstrip() + "…"


def render(breakdown: Breakdown) -> str:
    """The breakdown as a horizontal bar chart (stacked when its series add up), an SVG document."""
    chart_class = pygal.HorizontalStackedBar if breakdown.stacked else pygal.HorizontalBar
    several = len(breakdown.series) > 1
    rows = list(reversed(breakdown.rows))  # pygal draws the first row at the bottom
    chart = chart_class(
        style=STYLE,
        js=[],
        explicit_size=True,
        width=WIDTH,
        height=max(
            180, 90 + ROW_HEIGHT * len(rows) * (1 if breakdown.stacked or not several else 1.6)
        ),
        show_legend=several,
        legend_at_bottom=True,
        # one legend entry per line when there are many: pygal splits the plot's width evenly
        legend_at_bottom_columns=len(breakdown.series) if len(breakdown.series) <= 2 else 1,
        truncate_legend=48,
        print_values=not several or breakdown.stacked is False,
        print_zeroes=False,
        print_values_position="top",
        show_y_guides=False,
        min_scale=1,
        max_scale=6,
        value_formatter=lambda value: f"{value:g}",
        no_data_text="—",
        margin=12,
    )
    chart.x_labels = [_short(row.label) for row in rows]
    top = max(
        (sum(row.values) if breakdown.stacked else max(row.values, default=0) for row in rows),
        default=0,
    )
    if top <= 10:  # counts: whole numbers on the axis, not 0.2, 0.4...
        chart.y_labels = list(range(top + 1))
    for index, name in enumerate(breakdown.series):
        chart.add(name, [row.values[index] for row in rows])
    return chart.render(is_unicode=True)
