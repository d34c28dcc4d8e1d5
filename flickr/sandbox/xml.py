"""Write XML the way Flickr's REST API does: tab-indented, `<empty />`, `&quot;` and `&#039;`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

Attributes = Iterable[tuple[str, object]]


def escape(value: object) -> str:
    text = str(value)
    # Most values (numbers, ids, URLs) need nothing; checking first keeps big listings fast.
    if "&" in text or "<" in text or ">" in text or '"' in text or "'" in text:
        return (
            text.replace("&", "&amp;")
            .replace("<", "&lt;")
            .replace(">", "&gt;")
            .replace('"', "&quot;")
            .replace("'", "&#039;")
        )
    return text


def format_attributes(attributes: Attributes) -> str:
    return "".join([f' {name}="{escape(value)}"' for name, value in attributes])


@dataclass
class Element:
    name: str
    attributes: list[tuple[str, object]] = field(default_factory=list)
    children: list[Element] = field(default_factory=list)
    text: str | None = None

    def render(self, depth: int = 0) -> str:
        indent = "\t" * depth
        opening = f"{indent}<{self.name}{format_attributes(self.attributes)}"
        if self.text:
            return f"{opening}>{escape(self.text)}</{self.name}>"
        if not self.children:
            return f"{opening} />"
        inner = "\n".join(child.render(depth + 1) for child in self.children)
        return f"{opening}>\n{inner}\n{indent}</{self.name}>"


def element(
    name: str,
    attributes: Attributes = (),
    children: Iterable[Element] = (),
    text: str | None = None,
) -> Element:
    return Element(name, list(attributes), list(children), text)


def ok_response(*elements: Element) -> str:
    body = "".join(f"{item.render()}\n" for item in elements)
    return f'<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="ok">\n{body}</rsp>\n'


def fail_response(code: int, message: str) -> str:
    err = element("err", [("code", code), ("msg", message)]).render(depth=1)
    return f'<?xml version="1.0" encoding="utf-8" ?>\n<rsp stat="fail">\n{err}\n</rsp>\n'
