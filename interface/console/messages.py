"""Errors of the application as a person reads them, in Chinese, with the API's English detail kept beside."""

from __future__ import annotations

from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from application import errors as app_errors
from domain.errors import InvalidCommand, TransitionNotAllowed

STALE = "此{thing}已被他人修改，请刷新页面后再操作。"
FIELD_LABELS = {
    "reason": "理由",
    "note": "备注",
    "text": "进展",
    "result": "办理结果",
    "lead_department": "主办部门",
    "co_departments": "协办部门",
    "due_at": "期限",
    "until": "缓办至",
    "satisfaction": "满意度",
    "method": "回访方式",
    "comment": "回访意见",
    "into": "并入案件",
    "meeting_id": "交办会",
    "deadline": "办理期限",
    "instruction": "交办要求",
    "category": "类别",
    "track": "办理类型",
    "title": "标题",
    "description": "描述",
    "channel": "来源渠道",
    "location": "地点",
    "needs": "发现的问题（标题、类别、办理类型）",
    "notes": "走访情况",
    "grid": "网格",
    "address": "地址",
}


def chinese_problem(error: Exception, thing: str = "案件") -> tuple[int, str, str] | None:
    """(HTTP status, Chinese message, English detail) for an error the application raises; None: not ours.
    ``thing``: what a stale page showed (a case, a household)."""
    if isinstance(error, (app_errors.VersionMismatch, app_errors.ConcurrentUpdate)):
        return (412 if isinstance(error, app_errors.VersionMismatch) else 409), STALE.format(thing=thing), str(error)
    if isinstance(error, TransitionNotAllowed):
        return 409, "案件当前状态不允许此操作，请刷新页面。", str(error)
    if isinstance(error, app_errors.Forbidden):
        return 403, "您无权进行此操作。", str(error)
    if isinstance(error, app_errors.NotFound):
        return 404, "找不到该记录。", str(error)
    if isinstance(error, app_errors.UnsupportedContent):
        return 415, "照片只能是 JPEG、PNG、HEIC、WebP 图片或 PDF 文件。", str(error)
    if isinstance(error, RequestEntityTooLarge):
        return 413, "照片超过 10 MB，请换一张或压缩后再上传。", str(error.description)
    if isinstance(error, app_errors.IdempotencyKeyReused):
        return 422, "此表单已提交过，请刷新页面后重新填写。", str(error)
    if isinstance(error, ValidationError):
        return 422, "填写有误：" + _fields(error.messages), str(error.messages)
    if isinstance(error, (InvalidCommand, app_errors.InvalidReference, app_errors.AlreadyExists)):
        return 422, f"填写有误：{FIELD_LABELS.get(error.field, error.field)}", error.message
    return None


def _fields(messages: object) -> str:
    names = messages.keys() if isinstance(messages, dict) else ["_schema"]
    return "、".join(FIELD_LABELS.get(str(name), "表单") for name in names)
