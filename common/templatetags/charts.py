"""Bar charts as SVG drawn on the server (no JavaScript, no library): a title, a row per label
with up to two bars, and the figures as an HTML table under it for screen readers and print.

Plain templates rather than a charting library: the charts are horizontal bars with a label
and a figure, which a template draws in a few lines; the libraries that render SVG on the
server (pygal, matplotlib) bring their own fonts, styles or inline scripts, which the
Content-Security-Policy and the house style forbid. Each row is its label (HTML, which wraps
on a narrow screen) and its bars (SVG, drawn in percent of the width): the chart follows the
page's width and its text stays readable.
"""

from django import template

register = template.Library()

BAR = 14
# The site's accent and a dark orange: both at least 4.5:1 against white (WCAG 1.4.11 asks 3:1).
COLOURS = ["#0b5d7a", "#a34a00"]


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(rows, *, title: str, chart_id: str, heading: str, series=None, unit: str = ""):
    """`rows`: (label, value) or (label, [value, value]); `heading` names the labels' column of
    the table, `series` the two values (else the one is "Anzahl")."""
    rows = [
        (label, values if isinstance(values, list | tuple) else [values]) for label, values in rows
    ]
    largest = max((value for _label, values in rows for value in values), default=0) or 1
    bars = []
    for label, values in rows:
        drawn = [
            {
                "y": number * (BAR + 2),
                "text_y": number * (BAR + 2) + BAR - 2,
                "width": round(80 * value / largest, 2),
                "text_x": round(80 * value / largest, 2) + 1.5,
                "value": value,
                "colour": COLOURS[number % len(COLOURS)],
            }
            for number, value in enumerate(values)
        ]
        bars.append({"label": label, "values": drawn, "height": len(values) * (BAR + 2)})
    return {
        "rows": rows,
        "bars": bars,
        "title": title,
        "chart_id": chart_id,
        "heading": heading,
        "series": [(name, COLOURS[number]) for number, name in enumerate(series or [])],
        "unit": unit,
    }
