"""Read an HTML form's fields the way a browser would submit them, to post it back changed."""

from __future__ import annotations

from html.parser import HTMLParser


class FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.select_first: str | None = None
        self.select_chosen = False
        self.select_multiple = False
        self.textarea: str | None = None

    def add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form or "name" not in attrs or "disabled" in attrs:
            if tag == "option" and self.select:
                self.option(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "image", "file", "reset"):
                self.add(name, attrs.get("value", ""))
        elif tag == "select":
            self.select, self.select_first, self.select_chosen = name, None, False
            self.select_multiple = "multiple" in attrs
        elif tag == "textarea":
            self.textarea = name
            self.add(name, "")

    def option(self, attrs) -> None:
        value = attrs.get("value", "")
        if self.select_first is None:
            self.select_first = value
        if "selected" in attrs:
            self.add(self.select, value)
            self.select_chosen = True

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select:
            chosen_by_default = not self.select_chosen and not self.select_multiple
            if chosen_by_default and self.select_first is not None:
                self.add(self.select, self.select_first)
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that opens a textarea's content.
            value = self.data[self.textarea][-1]
            self.data[self.textarea][-1] = value[1:] if value.startswith("\n") else value
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.data[self.textarea][-1] += data


def form_data(html: str, form_id: str) -> dict[str, list[str] | str]:
    """The fields of the form with this id, as the browser would send them unchanged."""
    reader = FormReader(form_id)
    reader.feed(html)
    # Django's test client takes a list for a repeated name, a string otherwise.
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}
