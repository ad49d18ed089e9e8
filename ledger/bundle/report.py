"""The printable bilingual (Chinese / English) HTML report of a court bundle (standard library only).

Rendering is deterministic: the checker re-renders the report from the verified events and compares
it byte for byte, so every statement in the report is one the events prove.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Iterable, Mapping, Sequence

from ledger.bundle.describe import content, item_label
from ledger.bundle.names import Names

STYLE = """@page{size:A4;margin:15mm 12mm}
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#000;font-size:10pt}
table{border-collapse:collapse;width:100%;margin:0.5em 0 1.5em;table-layout:auto}
th,td{border:1px solid #555;padding:3px 5px;font-size:9pt;text-align:left;vertical-align:top;overflow-wrap:break-word}
th{background:#eee}code,.id{font-family:monospace;font-size:8pt;word-break:break-all}
ul.facts{margin:0;padding-left:1.1em}ul.facts li{margin:0}
@media print{body{margin:0;font-size:9pt}h1,h2{page-break-after:avoid;break-after:avoid}
thead{display:table-header-group}tr,li{page-break-inside:avoid;break-inside:avoid}th{background:#eee;
-webkit-print-color-adjust:exact;print-color-adjust:exact}}"""
CHANNELS = {"export": "导出证据包 court bundle export", "web": "网页 web", "api": "接口 API", "counter": "窗口 counter"}


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return "是 yes" if value else "否 no"
    if isinstance(value, Markup):
        return value.html
    return escape(str(value))


@dataclass(frozen=True)
class Markup:
    """HTML already escaped (a cell holding a list or a code)."""

    html: str


def _code(text: Any) -> Markup:
    return Markup(f"<span class=\"id\">{escape(str(text))}</span>") if text not in (None, "") else Markup("—")


def _facts(pairs: Sequence[tuple[str, str]]) -> Markup:
    if not pairs:
        return Markup("—")
    lines = "".join(f"<li>{escape(label)}：{escape(text)}</li>" for label, text in pairs)
    return Markup(f"<ul class=\"facts\">{lines}</ul>")


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"


def _subject(meta: Mapping[str, Any], subject: Mapping[str, Any], names: Names) -> str:
    rows = [("主体编号 Subject id", _code(subject["id"])), ("类型 Kind", names.of("subject_kinds", subject["kind"])),
            ("名称 Name", subject["name"]), ("身份证号 ID number", subject.get("id_number")),
            ("统一社会信用代码 USCC", subject.get("uscc")),
            ("截至日志位置 As of log position", meta["as_of_position"]),
            ("请求的时点 Requested moment", meta.get("as_of") or "未指定（按日志位置）none (by log position)"),
            ("有效日期 Valid-at dates", ", ".join(meta["valid_at"]) or None),
            ("日志名称 Log origin", meta["origin"]), ("导出时间 Exported at (UTC)", meta["exported_at"]),
            ("覆盖检查点 Covering checkpoint (tree size)", meta["covering_size"]),
            ("最新检查点 Latest checkpoint (tree size)", meta["latest_size"]),
            ("根公钥指纹 Root key fingerprint (SHA-256)", _code(meta["root_fingerprint"]))]
    return _table(["项目 Item", "值 Value"], rows)


def _items(state: Mapping[str, Any], names: Names, firsts: Mapping[str, Mapping[str, Any]]) -> str:
    dates = list(state["valid_at"])
    headers = ["类别 Kind", "内容 What", "状态 Status", "生效 From", "有效至 Until", "终止 Ended",
               *[f"{d} 是否有效 in force" for d in dates], "版本 Version", "编号 Id"]
    rows = [[names.of("kinds", i["kind"]), _label(i, names, firsts), names.of("statuses", i["status"]),
             i["valid_from"], i["valid_until"], i["ended_on"], *[i["in_force_at"].get(d) for d in dates], i["version"],
             _code(i["id"])] for i in state["items"]]
    return _table(headers, rows) if rows else "<p>无记录 Nothing filed.</p>\n"


def _label(item: Mapping[str, Any], names: Names, firsts: Mapping[str, Mapping[str, Any]]) -> str:
    first = firsts.get(item["id"])
    return item_label(item["kind"], first, names) if first is not None else str(item["label"] or "—")


def render(meta: Mapping[str, Any], state: Mapping[str, Any], timeline: Sequence[Mapping[str, Any]],
           keys: Sequence[Mapping[str, Any]], profiles: Sequence[Mapping[str, Any]],
           access: Sequence[Mapping[str, Any]] = (), vouching: Sequence[str] = (),
           cosignatures: Sequence[Mapping[str, Any]] = (), names: Names | None = None,
           firsts: Mapping[str, Mapping[str, Any]] | None = None) -> bytes:
    """The whole report as UTF-8 HTML bytes; `names` from the carried profiles, `firsts` each item's first event."""
    names = names or Names()
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<title>信用档案证据包 Court bundle {escape(state['subject']['name'])}</title><style>{STYLE}</style></head><body>\n",
        "<h1>信用档案证据包 / Court bundle</h1>\n",
        "<p>本报告由签名事件重建，可用 <code>ledger verify-bundle</code> 离线核验。"
        "This report is rebuilt from the signed events; check it offline with <code>ledger verify-bundle</code>.</p>\n",
        "<h2>主体与依据 Subject and basis</h2>\n", _subject(meta, state["subject"], names),
        "<h2>截至该位置的状态 State as of the log position</h2>\n", _items(state, names, firsts or {}),
        "<h2>事件历史 Event history</h2>\n",
        _table(["位置 Position", "时间 Time (UTC)", "事件 Event", "行为单位 Acting unit", "内容 What it states",
                "签名密钥 Signing key", "文件 File"],
               [[t["position"], t["time"], t["event"], names.of("units", t["unit"]), _facts(t.get("content", ())),
                 _code(t["key_id"]), _code(t["file"])] for t in timeline]),
        "<h2>查询记录 / Access log</h2>\n<p>登记在案的非公开查询（HA-5.2）。"
        "Registered non-public reads of this subject's data (HA-5.2).</p>\n",
        _table(["位置 Position", "时间 Time (UTC)", "查询单位 Unit", "查询人 User", "目的 Purpose", "依据 Basis",
                "渠道 Channel", "内容 What"], [[a["position"], a["time"], names.of("units", a["unit"]), a["user"],
                                               a["purpose"], a["basis"], CHANNELS.get(str(a["channel"]), a["channel"]),
                                               a["what"]] for a in access]),
        "<h2>声明与证明 What is proven and what is attested</h2>\n",
        "".join(f"<p>{escape(line)}</p>\n" for line in vouching),
        "<h2>独立见证 Independent witnesses</h2>\n", _witnesses(meta, cosignatures),
        "<h2>政策版本 Policy profile versions cited</h2>\n",
        _table(["政策 Profile", "版本 Version", "生效日期 Effective", "内容哈希 Content SHA-256", "文件 File"],
               [[p["profile_id"], p["version"], p["effective_date"], _code(p["content_hash"]), _code(p["file"])]
                for p in profiles]),
        "<h2>签名密钥 Keys that signed this bundle (public keys)</h2>\n"
        "<p>仅列出签署了本证据包中事件、检查点或完整性声明的密钥。Only the keys that signed an event, a checkpoint "
        "or the completeness statement in this bundle are listed.</p>\n",
        _table(["密钥 Key id", "单位 Unit", "登记位置 Registered at", "终止位置 Ended at", "状态 Status"],
               [[_code(k["key_id"]), names.of("units", k["unit"]) if k["unit"] != "ledger" else "根密钥 Root key",
                 k["registered_position"], k["ended_position"], names.of("statuses", k["status"])] for k in keys]),
        "</body></html>\n",
    ]
    return "".join(parts).encode("utf-8")


def _witnesses(meta: Mapping[str, Any], cosignatures: Sequence[Mapping[str, Any]]) -> str:
    """Who countersigned the log state the bundle relies on (the latest checkpoint), or plainly that nobody did."""
    size = meta["latest_size"]
    names = "、".join(sorted({w["name"] for w in cosignatures if w["relied"]}))
    if names:
        text = (f"<p>下列独立见证人副署了本证据包所依据的日志状态（树大小 {size} 的最新检查点）：{escape(names)}。"
                f"The following independent witnesses countersigned the log state this bundle relies on (the latest "
                f"checkpoint, tree size {size}): {escape(names.replace('、', ', '))}.</p>\n")
    else:
        text = (f"<p>没有任何独立方副署本证据包所依据的日志状态（树大小 {size} 的最新检查点）。No independent party "
                f"countersigned the log state this bundle relies on (the latest checkpoint, tree size {size}).</p>\n")
    if not cosignatures:
        return text
    text += ("<p>副署须用各见证人自行公布的公钥核验方能成立。A cosignature is proven only when checked with the "
             "witness's own published key: <code>ledger verify-bundle --witness NAME=VKEY --quorum k</code>.</p>\n")
    return text + _table(["检查点 Checkpoint", "树大小 Tree size", "见证人 Witness", "密钥编号 Key id",
                          "副署时间 Time of cosignature (UTC)"],
                         [[w["checkpoint"], w["size"], w["name"], w["key_id"], w["time"]] for w in cosignatures])


def access_row(position: int, fields: Mapping[str, Any]) -> dict[str, Any]:
    """One line of the access-log table (who read the subject's data, why, on what basis)."""
    return {"position": position, "time": fields.get("timestamp"), "unit": fields.get("actor_unit"),
            "user": fields.get("actor_user"), "purpose": fields.get("purpose"), "basis": fields.get("basis"),
            "channel": fields.get("channel"), "what": fields.get("what")}


def key_rows(records: Any, signers: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """The key-history table from `ledger.keybook.KeyRecord`s (only the keys in `signers`, when given)."""
    wanted = None if signers is None else set(signers)
    return [{"key_id": r.key_id, "unit": r.unit, "registered_position": r.registered_position,
             "ended_position": r.ended_position, "status": r.status} for r in records
            if wanted is None or r.key_id in wanted]


def timeline_row(position: int, file: str, topic: str, fields: Mapping[str, Any], key_id: str,
                 names: Names | None = None) -> dict[str, Any]:
    """One line of the event history table: what happened, who did it, and what the event states."""
    names = names or Names()
    return {"position": position, "time": fields.get("timestamp"), "event": names.event(topic),
            "unit": fields.get("actor_unit"), "key_id": key_id, "file": file, "content": content(fields, names)}
