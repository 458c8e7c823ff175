"""Realistic Cherry Studio 1.x backup zips (for the demo and tests), decoded as restore does."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

PERSIST_KEY = "persist:cherry-studio"


def js(value: Any) -> str:
    """``JSON.stringify`` (compact, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def model(provider: str, mid: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": mid,
        "provider": provider,
        "name": mid.upper(),
        "group": mid.split("-")[0],
    } | extra


SYSTEM_PROVIDERS: list[dict[str, Any]] = [
    {
        "id": "openai",
        "name": "OpenAI",
        "type": "openai-response",
        "apiKey": "sk-system-openai",
        "apiHost": "https://api.openai.com",
        "models": [model("openai", "gpt-4o"), model("openai", "gpt-4o-mini")],
        "isSystem": True,
        "enabled": True,
        "serviceTier": "auto",
    },
    {
        "id": "deepseek",
        "name": "DeepSeek",
        "type": "openai",
        "apiKey": "",
        "apiHost": "https://api.deepseek.com",
        "anthropicApiHost": "https://api.deepseek.com/anthropic",
        "models": [model("deepseek", "deepseek-chat")],
        "isSystem": True,
        "enabled": False,
    },
    {
        "id": "azure-openai",
        "name": "Azure OpenAI",
        "type": "azure-openai",
        "apiKey": "",
        "apiHost": "",
        "apiVersion": "",
        "models": [],
        "isSystem": True,
        "enabled": False,
    },
]

USER_PROVIDER: dict[str, Any] = {
    "id": "6f1c2b8e-0d3a-4b7e-9f21-5a8d3c2e1b00",
    "name": "Home vLLM (GPU) ✓",
    "type": "openai",
    "apiKey": "sk-home-1,sk-home-2",
    "apiHost": "http://gpu.lan:8000/",
    "models": [
        model(
            "6f1c2b8e-0d3a-4b7e-9f21-5a8d3c2e1b00",
            "qwen3-32b",
            capabilities=[{"type": "reasoning", "isUserSelected": True}],
            pricing={"input_per_million_tokens": 0, "output_per_million_tokens": 0},
        )
    ],
    "enabled": True,
    "isSystem": False,
    "apiOptions": {"isNotSupportStreamOptions": True},
    "extra_headers": {"X-Team": "ml"},
    "notes": "quote ' paren ( \u2028 emoji 🍒",
}


def llm_slice(providers: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "providers": providers,
        "defaultModel": model("openai", "gpt-4o"),
        "topicNamingModel": model("openai", "gpt-4o-mini"),
        "quickModel": model(USER_PROVIDER["id"], "qwen3-32b"),
        "translateModel": model("openai", "gpt-4o-mini"),
        "quickAssistantId": "",
        "settings": {
            "ollama": {"keepAliveTime": 0},
            "lmstudio": {"keepAliveTime": 0},
            "gpustack": {"keepAliveTime": 0},
            "vertexai": {
                "serviceAccount": {"privateKey": "", "clientEmail": ""},
                "projectId": "",
                "location": "",
            },
            "awsBedrock": {
                "authType": "iam",
                "accessKeyId": "",
                "secretAccessKey": "",
                "apiKey": "",
                "region": "",
            },
        },
    }


def persist_state(
    providers: list[dict[str, Any]] | None = None,
    *,
    persist_version: int | None = 208,  # 1.9.12, the last 1.x
    assistant_models: list[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """The ``persist:cherry-studio`` object: one JSON string per slice."""
    providers = [*SYSTEM_PROVIDERS, USER_PROVIDER] if providers is None else providers
    refs = assistant_models or [model(USER_PROVIDER["id"], "qwen3-32b")]
    assistants = {
        "defaultAssistant": {
            "id": "default",
            "name": "Default",
            "prompt": "",
            "topics": [],
            "model": model("openai", "gpt-4o"),
            "defaultModel": model("openai", "gpt-4o"),
        },
        "assistants": [
            {"id": f"a{i}", "name": f"Assistant {i}", "model": ref, "topics": [{"id": f"t{i}"}]}
            for i, ref in enumerate(refs)
        ],
        "presets": [],
    }
    state: dict[str, str] = {
        "assistants": js(assistants),
        "llm": js(llm_slice(providers)),
        "settings": js({"language": "zh-CN", "theme": "dark", "proxyUrl": "http://127.0.0.1:7890"}),
        "shortcuts": js({"shortcuts": [{"key": ["CommandOrControl", "0"]}]}),
        "openclaw": js({"future": "slice cherrysync does not know", "n": 1.5e300}),
        "mcp": js({"servers": [{"name": "fs", "args": ["--root", "C:\\Users\\me"]}]}),
    }
    if persist_version is not None:
        state["_persist"] = js({"version": persist_version, "rehydrated": True})
    return state


def data_json(
    persist: dict[str, str] | None = None, *, version: int = 5, **overrides: Any
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "time": 1764000000000,
        "version": version,
        "localStorage": {
            PERSIST_KEY: js(persist if persist is not None else persist_state()),
            "i18nextLng": "zh-CN",
            "memory_currentUserId": "default-user",
        },
        "indexedDB": {
            "files": [{"id": "f1", "name": "photo.png", "path": "Data/Files/f1.png", "size": 70}],
            "topics": [{"id": "t0", "messages": [{"id": "m1", "content": "你好 <b>\u2028"}]}],
            "settings": [{"id": "image://provider-openai", "value": "data:image/png;base64,AAAA"}],
            "message_blocks": [{"id": "b1", "content": 'line\nbreak "quoted" \\ back'}],
        },
    }
    doc.update(overrides)
    return doc


class _Unseekable(io.RawIOBase):
    """Makes zipfile stream members with data descriptors, as the app's zip writer does."""

    def __init__(self, fh: io.BufferedWriter) -> None:
        self._fh = fh

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        return self._fh.write(b)


def write_backup(
    path: Path,
    doc: dict[str, Any] | None = None,
    *,
    files: dict[str, bytes] | None = None,
    raw_data_json: bytes | None = None,
    stream: bool = True,
) -> Path:
    """A backup zip: ``data.json`` then ``Data/`` (deflate level 1, zip64 on one member)."""
    files = files if files is not None else default_files()
    payload = raw_data_json if raw_data_json is not None else js(doc or data_json()).encode()
    with path.open("wb") as raw:
        sink: Any = _Unseekable(raw) if stream else raw
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            zf.writestr("data.json", payload)
            for i, (name, content) in enumerate(files.items()):
                info = zipfile.ZipInfo(name, (2026, 1, 2, 3, 4, 6))
                info.compress_type = zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED
                if name.endswith("/"):
                    info.external_attr = 0o40755 << 16 | 0x10
                    zf.writestr(info, b"")
                    continue
                with zf.open(info, "w", force_zip64=(i == 1)) as out:
                    out.write(content)
    return path


def default_files() -> dict[str, bytes]:
    return {
        "Data/": b"",
        "Data/Files/": b"",
        "Data/Files/f1.png": os.urandom(70_000),
        "Data/KnowledgeBase/kb1/index.json": b'{"chunks": []}' * 50,
        "Data/Notes/笔记.md": "# 笔记\n".encode() * 20,
    }


def restore(path: Path) -> dict[str, Any]:
    """Decode a backup as the app's restore does: data.json, then the persisted slices."""
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("data.json"))
        members = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "data.json"}
    persist = json.loads(doc["localStorage"][PERSIST_KEY])
    slices = {k: json.loads(v) for k, v in persist.items()}
    return {"doc": doc, "persist": persist, "slices": slices, "members": members}
