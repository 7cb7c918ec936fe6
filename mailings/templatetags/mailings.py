from django import template

from mailings.emails import text_to_html

register = template.Library()


@register.filter
def mailing_html(text: str):
    """A mailing's text as its HTML mail shows it (escaped; paragraphs, lists, headings,
    links)."""
    return text_to_html(text)
