"""/datasaya as a test reads it: the summary's messages, then the attached file."""

from __future__ import annotations

import json
from typing import Any

from tests.harness import Chat


async def my_data(person: Chat) -> tuple[str, dict[str, Any]]:
    """/datasaya's messages, joined, and the attached file, parsed."""
    texts = [(await person.send("/datasaya", "Data Anda yang tersimpan")).text or ""]
    while (call := await person.next()).method != "sendDocument":
        texts.append(call.text or "")
    assert call.params["caption"].startswith("Ini semua data")
    return "\n".join(texts), json.loads(call.params["document"].content)
