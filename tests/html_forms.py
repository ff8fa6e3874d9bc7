"""Read pages as a browser would: their links and forms, parsed from the HTML.

Journey tests follow only what a page offers: a link found by its text, a form found by its
action, sent with the values the page filled in (the CSRF token among them) and what the user
types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Link:
    href: str
    text: str


@dataclass
class Form:
    action: str
    method: str
    # Field values as the browser would send them when no button is pressed.
    values: dict[str, list[str]] = field(default_factory=dict)
    # Select options by field name, and submit buttons as (name, value, label).
    options: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[tuple[str, str, str]] = field(default_factory=list)

    def data(self, button: str | None = None, **typed: str | list[str]) -> dict[str, list[str]]:
        """What the form sends when the user types `typed` and presses the button labelled so."""
        sent = {name: list(values) for name, values in self.values.items()}
        for name, value in typed.items():
            assert name in sent or name in self.options, f"the form has no field {name!r}"
            if name in self.options:
                for chosen in [value] if isinstance(value, str) else value:
                    assert chosen in self.options[name] or chosen == "", (
                        f"{chosen!r} is not offered in {name!r}: {self.options[name]}"
                    )
            sent[name] = [value] if isinstance(value, str) else list(value)
        if button is not None:
            pressed = [b for b in self.buttons if b[2] == button]
            assert pressed, f"no button {button!r}: {[b[2] for b in self.buttons]}"
            name, value, _label = pressed[0]
            if name:
                sent[name] = [value]
        return sent


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.forms: list[Form] = []
        self._link: dict | None = None
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._option: dict | None = None
        self._textarea: str | None = None
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "a" and "href" in a:
            self._link = {"href": a["href"], "text": []}
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            name = a.get("name")
            if kind == "submit":
                self._form.buttons.append((name or "", a.get("value", ""), a.get("value", "")))
            elif name and kind in {"checkbox", "radio"}:
                self._form.values.setdefault(name, [])
                if "checked" in a:
                    self._form.values[name].append(a.get("value", "on"))
            elif name and kind not in {"button", "reset", "file", "image"}:
                self._form.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form.values[self._textarea] = [""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._select_first = None
            self._select_chosen = False
            self._form.options[self._select] = []
            self._form.values[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": []}
        elif tag == "button":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""), "text": []}
            if a.get("type", "submit").lower() != "submit":
                self._button["ignored"] = True

    def handle_data(self, data):
        if self._link is not None:
            self._link["text"].append(data)
        if self._option is not None:
            self._option["text"].append(data)
        if self._button is not None:
            self._button["text"].append(data)
        if self._textarea is not None and self._form is not None:
            self._form.values[self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            text = " ".join("".join(self._link["text"]).split())
            self.links.append(Link(self._link["href"], text))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            # Browsers drop the newline that starts a textarea's content.
            text = self._form.values[self._textarea][0]
            self._form.values[self._textarea][0] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "option" and self._option is not None and self._form is not None:
            option = self._option
            value = option["value"]
            if value is None:
                value = " ".join("".join(option["text"]).split())
            self._form.options[self._select].append(value)
            if self._select_first is None:
                self._select_first = value
            if option["selected"]:
                self._form.values[self._select] = [value]
                self._select_chosen = True
            self._option = None
        elif tag == "select" and self._select is not None and self._form is not None:
            if not self._select_chosen and self._select_first is not None:
                self._form.values[self._select] = [self._select_first]
            self._select = None
        elif tag == "button" and self._button is not None:
            button = self._button
            if self._form is not None and not button.get("ignored"):
                label = " ".join("".join(button["text"]).split())
                self._form.buttons.append((button["name"], button["value"], label))
            self._button = None


@dataclass
class Page:
    url: str
    html: str
    links: list[Link]
    forms: list[Form]

    def link(self, text: str, *, contains: bool = False, last: bool = False) -> str:
        """The URL of the first (or last) link with this text (exactly, or containing it)."""
        found = [
            link for link in self.links if (text in link.text if contains else link.text == text)
        ]
        assert found, f"no link {text!r} on {self.url}: {[link.text for link in self.links]}"
        return urljoin(self.url, found[-1 if last else 0].href)

    def form(self, action_contains: str) -> Form:
        """The form whose action contains this text."""
        found = [
            form
            for form in self.forms
            if action_contains in urljoin(self.url, form.action or self.url)
        ]
        assert found, f"no form posting to {action_contains!r} on {self.url}"
        return found[0]


def read_page(response, url: str) -> Page:
    parser = _PageParser()
    html = response.get_data(as_text=True)
    parser.feed(html)
    return Page(url=url, html=html, links=parser.links, forms=parser.forms)


def local_path(url: str) -> str:
    """The path and query of an absolute URL of our own site, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Browser:
    """A test client that follows redirects and remembers the page it is on."""

    def __init__(self, client) -> None:
        self.client = client
        self.page: Page | None = None

    def open(self, url: str, *, expect: int = 200) -> Page:
        response = self.client.get(local_path(url), follow_redirects=True)
        assert response.status_code == expect, (url, response.status_code)
        self.page = read_page(response, "http://localhost" + response.request.path)
        return self.page

    def follow(self, text: str, *, contains: bool = False, last: bool = False) -> Page:
        assert self.page is not None
        return self.open(self.page.link(text, contains=contains, last=last))

    def submit(
        self,
        form: Form,
        button: str | None = None,
        *,
        expect: int = 200,
        **typed: str | list[str],
    ) -> Page:
        assert self.page is not None
        target = local_path(urljoin(self.page.url, form.action or self.page.url))
        data = form.data(button, **typed)
        if form.method == "post":
            response = self.client.post(target, data=data, follow_redirects=True)
        else:
            response = self.client.get(target, query_string=data, follow_redirects=True)
        assert response.status_code == expect, (target, response.status_code)
        query = response.request.query_string.decode()
        self.page = read_page(
            response, "http://localhost" + response.request.path + (f"?{query}" if query else "")
        )
        return self.page
