"""The printable bilingual (Chinese / English) HTML report of a court bundle (standard library only).

Rendering is deterministic: the checker re-renders the report from the verified events and compares
it byte for byte, so every statement in the report is one the events prove.
"""

from __future__ import annotations

from html import escape
from typing import Any, Mapping, Sequence

KIND_ZH = {"record": "失信记录 Dishonesty record", "list_entry": "名单 List entry", "objection": "异议 Objection",
           "repair": "信用修复 Credit repair", "sanction": "联合惩戒 Joint sanction", "points": "积分 Points"}
STATUS_ZH = {
    "active": "有效", "objection_pending": "异议处理中", "corrected": "已更正", "repaired": "已修复", "expired": "已到期",
    "revoked": "已撤销", "drafted": "拟列入", "noticed": "已告知", "publicised": "公示中", "confirmed": "已认定",
    "exited": "已移出", "filed": "已提出", "referred": "已转办", "upheld": "异议成立", "rejected": "异议不成立",
    "applied": "已申请/已实施", "opinion_against": "意见不同意", "approved": "已批准", "refused": "不予修复",
    "pushed": "已推送", "acknowledged": "已签收", "fed_back": "已反馈", "lift_pushed": "已推送解除", "lifted": "已解除",
    "declined": "决定不实施", "withdrawn": "已撤回推送",
    "ungraded": "未评级",
}
STYLE = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;width:100%;margin:0.5em 0 1.5em}th,td{border:1px solid #888;padding:3px 6px;
font-size:10pt;text-align:left;vertical-align:top}th{background:#eee}code{font-size:9pt;word-break:break-all}
@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}"""


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if value is True or value is False:
        return "是 yes" if value else "否 no"
    return escape(str(value))


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>\n" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}</tbody></table>\n"


def _status(status: str | None) -> str:
    return f"{STATUS_ZH.get(status or '', '')} {status or ''}".strip()


def _subject(meta: Mapping[str, Any], subject: Mapping[str, Any]) -> str:
    rows = [("主体编号 Subject id", subject["id"]), ("类型 Kind", subject["kind"]), ("名称 Name", subject["name"]),
            ("身份证号 ID number", subject.get("id_number")), ("统一社会信用代码 USCC", subject.get("uscc")),
            ("截至日志位置 As of log position", meta["as_of_position"]),
            ("请求的时点 Requested moment", meta.get("as_of")),
            ("有效日期 Valid-at dates", ", ".join(meta["valid_at"]) or None),
            ("日志名称 Log origin", meta["origin"]), ("导出时间 Exported at (UTC)", meta["exported_at"]),
            ("覆盖检查点 Covering checkpoint (tree size)", meta["covering_size"]),
            ("最新检查点 Latest checkpoint (tree size)", meta["latest_size"]),
            ("根公钥指纹 Root key fingerprint (SHA-256)", meta["root_fingerprint"])]
    return _table(["项目 Item", "值 Value"], rows)


def _items(state: Mapping[str, Any]) -> str:
    dates = list(state["valid_at"])
    headers = ["类别 Kind", "编号 Id", "内容 Label", "状态 Status", "生效 From", "有效至 Until", "终止 Ended",
               *[f"{d} 是否有效 in force" for d in dates], "版本 Version"]
    rows = [[KIND_ZH.get(i["kind"], i["kind"]), i["id"], i["label"], _status(i["status"]), i["valid_from"],
             i["valid_until"], i["ended_on"], *[i["in_force_at"].get(d) for d in dates], i["version"]]
            for i in state["items"]]
    return _table(headers, rows) if rows else "<p>无记录 Nothing filed.</p>\n"


def render(meta: Mapping[str, Any], state: Mapping[str, Any], timeline: Sequence[Mapping[str, Any]],
           keys: Sequence[Mapping[str, Any]], profiles: Sequence[Mapping[str, Any]],
           access: Sequence[Mapping[str, Any]] = (), vouching: Sequence[str] = (),
           cosignatures: Sequence[Mapping[str, Any]] = ()) -> bytes:
    """The whole report as UTF-8 HTML bytes."""
    parts = [
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        f"<title>信用档案证据包 Court bundle {escape(state['subject']['id'])}</title><style>{STYLE}</style></head><body>\n",
        "<h1>信用档案证据包 / Court bundle</h1>\n",
        "<p>本报告由签名事件重建，可用 <code>ledger verify-bundle</code> 离线核验。"
        "This report is rebuilt from the signed events; check it offline with <code>ledger verify-bundle</code>.</p>\n",
        "<h2>主体与依据 Subject and basis</h2>\n", _subject(meta, state["subject"]),
        "<h2>截至该位置的状态 State as of the log position</h2>\n", _items(state),
        "<h2>事件历史 Event history</h2>\n",
        _table(["位置 Position", "时间 Time (UTC)", "事件 Event", "行为单位 Acting unit", "签名密钥 Signing key",
                "文件 File"], [[t["position"], t["time"], t["event"], t["unit"], t["key_id"], t["file"]]
                              for t in timeline]),
        "<h2>查询记录 / Access log</h2>\n<p>登记在案的非公开查询（HA-5.2）。"
        "Registered non-public reads of this subject's data (HA-5.2).</p>\n",
        _table(["位置 Position", "时间 Time (UTC)", "查询单位 Unit", "查询人 User", "目的 Purpose", "依据 Basis",
                "渠道 Channel", "内容 What"], [[a["position"], a["time"], a["unit"], a["user"], a["purpose"],
                                               a["basis"], a["channel"], a["what"]] for a in access]),
        "<h2>声明与证明 What is proven and what is attested</h2>\n",
        "".join(f"<p>{escape(line)}</p>\n" for line in vouching),
        "<h2>独立见证 Independent witnesses</h2>\n", _witnesses(meta, cosignatures),
        "<h2>政策版本 Policy profile versions cited</h2>\n",
        _table(["政策 Profile", "版本 Version", "生效日期 Effective", "内容哈希 Content SHA-256", "文件 File"],
               [[p["profile_id"], p["version"], p["effective_date"], p["content_hash"], p["file"]] for p in profiles]),
        "<h2>密钥历史 Key history (public keys)</h2>\n",
        _table(["密钥 Key id", "单位 Unit", "登记位置 Registered at", "终止位置 Ended at", "状态 Status"],
               [[k["key_id"], k["unit"], k["registered_position"], k["ended_position"], k["status"]] for k in keys]),
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


def key_rows(records: Any) -> list[dict[str, Any]]:
    """The key-history table from `ledger.keybook.KeyRecord`s."""
    return [{"key_id": r.key_id, "unit": r.unit, "registered_position": r.registered_position,
             "ended_position": r.ended_position, "status": r.status} for r in records]


def timeline_row(position: int, file: str, topic: str, fields: Mapping[str, Any], key_id: str) -> dict[str, Any]:
    """One line of the event history table."""
    return {"position": position, "time": fields.get("timestamp"), "event": topic.rsplit(":", 1)[-1],
            "unit": fields.get("actor_unit"), "key_id": key_id, "file": file}
