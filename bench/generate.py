#!/usr/bin/env python3
"""Generate a Django repository to benchmark check-migrate against.

The repository is committed once with a fixed author and date, so the same arguments give the
same HEAD commit, and then a few new migrations plus an edit to an older one are staged without
committing, which is the state a pre-commit hook sees.

    bench/generate.py OUT [--size tiny|small|large] [--files N] [--migrations M] [--seed S]
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import unicodedata
from datetime import datetime, timedelta

PRESETS = {
    "tiny": (500, 50),
    "small": (5000, 500),
    "large": (45000, 5000),
}

# The wrong names the benchmark plants, each with the kind of field it usually names.
WRONG_NAMES = {
    "create_time": "created",
    "update_time": "updated",
    "modify_time": "updated",
    "start_time": "moment",
    "end_time": "moment",
    "is_delete": "bool",
    "hidden": "bool",
    "enabled": "bool",
    "creator": "user",
    "desc": "text",
}

LINE_LENGTH = 88
DJANGO_VERSIONS = ["4.2.%d" % n for n in range(1, 17)]
COMMIT_DATE = "2024-06-03T10:00:00+00:00"

# --------------------------------------------------------------------------------------------
# Python expressions, rendered either as makemigrations writes them or as black reformats them.
# --------------------------------------------------------------------------------------------

DJANGO, BLACK = "django", "black"


def text_width(text):
    # black measures East Asian wide characters as two columns
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Node:
    magic = False

    def brackets(self):
        return None


class Lit(Node):
    """Code that reads the same in both styles: names, numbers, attribute paths."""

    def __init__(self, code):
        self.code = code

    def flat(self, style):
        return self.code


class Str(Node):
    def __init__(self, value):
        self.value = value

    def flat(self, style):
        if style == BLACK and '"' not in self.value:
            return '"' + self.value.replace("\\", "\\\\") + '"'
        return repr(self.value)


class Call(Node):
    def __init__(self, func, args=(), kwargs=(), magic=False, sort=False):
        self.func = func
        self.args = list(args)
        kwargs = list(kwargs)
        # Django's serializer writes a deconstructed field's keyword arguments sorted.
        self.kwargs = sorted(kwargs, key=lambda kv: kv[0]) if sort else kwargs
        self.magic = magic

    def parts(self):
        return [("", a) for a in self.args] + [(k + "=", v) for k, v in self.kwargs]

    def brackets(self):
        return self.func + "(", ")"

    def flat(self, style):
        return self.func + "(" + ", ".join(p + n.flat(style) for p, n in self.parts()) + ")"


class Seq(Node):
    def __init__(self, items, tuple_=False, magic=False):
        self.items = list(items)
        self.tuple = tuple_
        self.magic = magic

    def parts(self):
        return [("", i) for i in self.items]

    def brackets(self):
        return ("(", ")") if self.tuple else ("[", "]")

    def flat(self, style):
        inner = ", ".join(i.flat(style) for i in self.items)
        if self.tuple and len(self.items) == 1:
            inner += ","
        o, c = self.brackets()
        return o + inner + c


class Dict(Node):
    def __init__(self, items, magic=False):
        self.items = list(items)
        self.magic = magic

    def parts(self):
        # keys stay nodes so their quotes follow the style (see key_prefix)
        return list(self.items)

    def brackets(self):
        return "{", "}"

    def flat(self, style):
        return "{" + ", ".join(k.flat(style) + ": " + v.flat(style) for k, v in self.items) + "}"


def dict_node(pairs, magic=False):
    return Dict([(Str(k), v) for k, v in pairs], magic=magic)


def black_lines(node, indent, style, prefix="", suffix=""):
    """black's layout: one line if it fits, else a call's arguments on one line of their own,
    else one element per line with a trailing comma; a magic trailing comma forces the last."""
    pad = " " * indent
    flat = prefix + node.flat(style) + suffix
    brackets = node.brackets()
    if brackets is None or (not node.magic and indent + text_width(flat) <= LINE_LENGTH):
        return [pad + flat]
    opening, closing = brackets
    parts = [(key_prefix(p, style), n) for p, n in node.parts()]
    if not parts:
        return [pad + flat]
    lines = [pad + prefix + opening]
    body = ", ".join(p + n.flat(style) for p, n in parts)
    # Only a call's arguments are kept together on their own line; a literal collection that
    # does not fit goes one element per line (black's should_split_line for atoms).
    if not node.magic and isinstance(node, Call) and indent + 4 + text_width(body) <= LINE_LENGTH:
        lines.append(pad + "    " + body)
    else:
        for p, n in parts:
            lines.extend(black_lines(n, indent + 4, style, p, ","))
    lines.append(pad + closing + suffix)
    return lines


def key_prefix(prefix, style):
    # Dict parts carry their key as a Str so the quotes follow the style.
    if isinstance(prefix, Str):
        return prefix.flat(style) + ": "
    return prefix


def django_operation_lines(op, style):
    """OperationWriter's layout: one keyword argument per line, list and dict arguments
    exploded one level, everything deeper written on one line."""
    lines = ["        " + op.func + "("]
    for arg in op.args:
        lines.append("            " + arg.flat(style) + ",")
    for key, value in op.kwargs:
        if isinstance(value, (Seq, Dict)):
            opening, closing = value.brackets()
            lines.append("            %s=%s" % (key, opening))
            for p, n in value.parts():
                lines.append("                " + key_prefix(p, style) + n.flat(style) + ",")
            lines.append("            %s," % closing)
        else:
            lines.append("            %s=%s," % (key, value.flat(style)))
    lines.append("        ),")
    return lines


# --------------------------------------------------------------------------------------------
# Vocabulary. Clean names avoid every wrong name of the built-in field library.
# --------------------------------------------------------------------------------------------

ZH = {
    "name": "名称", "title": "标题", "code": "编码", "slug": "别名", "status": "状态",
    "phone_number": "手机号", "username": "用户名", "nickname": "昵称", "first_name": "名",
    "last_name": "姓", "email": "邮箱", "address": "地址", "city": "城市", "country": "国家",
    "province": "省份", "postcode": "邮编", "sku": "SKU", "barcode": "条形码", "color": "颜色",
    "hostname": "主机名", "ip_address": "IP 地址", "language": "语言", "timezone": "时区",
    "currency": "币种", "reference": "参考号", "external_id": "外部 ID", "label": "标签",
    "kind": "类型", "source": "来源", "remark": "备注", "description": "描述", "summary": "摘要",
    "content": "内容", "body": "正文", "notes": "说明", "error_message": "错误信息",
    "quantity": "数量", "count": "次数", "priority": "优先级", "sort_order": "排序",
    "retry_count": "重试次数", "timeout": "超时时间", "duration": "时长", "version": "版本",
    "level": "级别", "stock": "库存", "score": "分数", "weight": "权重", "amount": "金额",
    "price": "价格", "total_amount": "总金额", "discount": "折扣", "tax_amount": "税额",
    "balance": "余额", "latitude": "纬度", "longitude": "经度", "is_active": "是否启用",
    "is_deleted": "是否删除", "is_enabled": "是否可用", "is_public": "是否公开",
    "is_published": "是否发布", "is_paid": "是否支付", "is_verified": "是否验证",
    "is_read": "是否已读", "is_pinned": "是否置顶", "is_locked": "是否锁定",
    "is_hidden": "是否隐藏", "is_archived": "是否归档", "is_default": "是否默认",
    "created_at": "创建时间", "updated_at": "更新时间", "paid_at": "支付时间",
    "published_at": "发布时间", "sent_at": "发送时间", "started_at": "开始时间",
    "finished_at": "完成时间", "expired_at": "过期时间", "deleted_at": "删除时间",
    "approved_at": "审批时间", "reviewed_at": "审核时间", "scheduled_at": "计划时间",
    "synced_at": "同步时间", "closed_at": "关闭时间", "resolved_at": "解决时间",
    "verified_at": "验证时间", "uploaded_at": "上传时间", "received_at": "接收时间",
    "submitted_at": "提交时间", "birthday": "生日", "due_date": "截止日期",
    "issue_date": "开票日期", "effective_date": "生效日期", "extra": "扩展信息",
    "metadata": "元数据", "config": "配置", "payload": "载荷", "uuid": "UUID",
    "website": "网站", "callback_url": "回调地址", "avatar": "头像", "image": "图片",
    "thumbnail": "缩略图", "cover": "封面", "attachment": "附件", "created_by": "创建人",
    "updated_by": "更新人", "reviewed_by": "审核人", "approved_by": "审批人", "owner": "负责人",
    "create_time": "创建时间", "update_time": "更新时间", "modify_time": "修改时间",
    "start_time": "开始时间", "end_time": "结束时间", "is_delete": "是否删除",
    "deleted": "已删除", "hidden": "是否隐藏", "enabled": "是否启用", "creator": "创建者", "desc": "描述",
}

CHAR_FIELDS = {
    "name": (64, 128, 255), "title": (128, 200, 255), "code": (32, 64), "status": (16, 20, 32),
    "phone_number": (20, 32), "username": (64, 150), "nickname": (64,), "first_name": (64,),
    "last_name": (64,), "address": (255, 512), "city": (64,), "country": (64,),
    "province": (64,), "postcode": (16,), "sku": (64,), "barcode": (64,), "color": (16, 32),
    "hostname": (255,), "language": (16, 32), "timezone": (64,), "currency": (8, 16),
    "reference": (64, 128), "external_id": (64, 128), "label": (64, 128), "kind": (32,),
    "source": (32, 64), "remark": (255, 512), "channel": (32,), "platform": (32,),
    "region": (64,), "biz_type": (32,), "serial_number": (64,), "mobile": (20,),
    "order_number": (32, 64), "tracking_number": (64,), "invoice_number": (64,),
}
TEXT_FIELDS = ["description", "summary", "content", "body", "notes", "error_message",
               "extra_info", "reason", "answer", "comment_text", "instructions"]
INT_FIELDS = ["quantity", "count", "priority", "sort_order", "retry_count", "timeout",
              "duration", "version", "level", "stock", "rank", "score", "weight", "capacity",
              "max_retries", "page_views", "position"]
DECIMAL_FIELDS = ["amount", "price", "total_amount", "discount", "tax_amount", "balance",
                  "unit_price", "shipping_fee", "deposit", "latitude", "longitude"]
BOOL_FIELDS = ["is_active", "is_deleted", "is_enabled", "is_public", "is_published",
               "is_paid", "is_verified", "is_read", "is_pinned", "is_locked", "is_hidden",
               "is_archived", "is_default", "is_required", "is_visible"]
DATETIME_FIELDS = ["paid_at", "published_at", "sent_at", "started_at", "finished_at",
                   "expired_at", "deleted_at", "approved_at", "reviewed_at", "scheduled_at",
                   "synced_at", "closed_at", "resolved_at", "verified_at", "uploaded_at",
                   "received_at", "submitted_at", "last_login_at", "confirmed_at"]
DATE_FIELDS = ["birthday", "due_date", "issue_date", "effective_date", "expiry_date",
               "report_date", "ship_date"]
JSON_FIELDS = ["extra", "metadata", "config", "payload", "attributes", "options_json",
               "context"]
URL_FIELDS = ["website", "callback_url", "homepage_url", "redirect_url", "download_url"]
FILE_FIELDS = {"avatar": "avatars/", "image": "images/", "thumbnail": "thumbnails/",
               "cover": "covers/", "attachment": "attachments/", "document_file": "documents/"}
USER_FK = ["created_by", "updated_by", "reviewed_by", "approved_by", "owner", "assignee",
           "author", "operator"]
FLOAT_FIELDS = ["ratio", "progress", "rating", "cpu_usage", "memory_usage"]

STATUS_CHOICES = [
    [("new", "新建"), ("paid", "已支付"), ("shipped", "已发货"), ("done", "已完成"),
     ("cancelled", "已取消")],
    [("draft", "Draft"), ("review", "In review"), ("live", "Live"), ("retired", "Retired")],
    [("pending", "待处理"), ("running", "运行中"), ("success", "成功"), ("failure", "失败")],
    [("open", "Open"), ("closed_won", "Closed (won)"), ("closed_lost", "Closed (lost)")],
]

HELP_TEXTS = [
    "留空表示不限制", "用于对外展示", "单位：秒", "单位：元", "由系统自动填写",
    "Shown to customers on the receipt.", "Leave empty to use the project default.",
    "ISO 4217 currency code.", "Used by the nightly sync job.", "Lower numbers come first.",
]

MODELS = [
    ("Order", "订单"), ("OrderItem", "订单项"), ("Invoice", "发票"), ("Payment", "支付记录"),
    ("Refund", "退款"), ("Customer", "客户"), ("Address", "地址"), ("Product", "商品"),
    ("Category", "分类"), ("Tag", "标签"), ("Article", "文章"), ("Comment", "评论"),
    ("Attachment", "附件"), ("Notification", "通知"), ("Message", "消息"), ("Task", "任务"),
    ("Project", "项目"), ("Team", "团队"), ("Member", "成员"), ("Role", "角色"),
    ("Ticket", "工单"), ("Shipment", "发货单"), ("Warehouse", "仓库"), ("StockRecord", "库存记录"),
    ("Supplier", "供应商"), ("Coupon", "优惠券"), ("Campaign", "活动"), ("Report", "报表"),
    ("Job", "作业"), ("Host", "主机"), ("Cluster", "集群"), ("Service", "服务"),
    ("Alert", "告警"), ("AlertRule", "告警规则"), ("Template", "模板"), ("Device", "设备"),
    ("Contract", "合同"), ("Course", "课程"), ("Lesson", "课时"), ("Student", "学生"),
    ("Teacher", "教师"), ("Event", "事件"), ("Subscription", "订阅"), ("Plan", "套餐"),
    ("Webhook", "回调"), ("ApiToken", "API 令牌"), ("AuditLog", "审计日志"),
    ("Feedback", "反馈"), ("Banner", "横幅"), ("Page", "页面"), ("Menu", "菜单"),
    ("Department", "部门"), ("Employee", "员工"), ("Schedule", "排期"), ("Review", "评价"),
    ("Profile", "用户资料"), ("Store", "门店"), ("Budget", "预算"), ("Expense", "费用"),
    ("Asset", "资产"), ("Vendor", "厂商"), ("License", "许可证"), ("Document", "文档"),
    ("Folder", "文件夹"), ("Release", "版本"), ("Pipeline", "流水线"), ("Build", "构建"),
    ("Deployment", "部署"), ("Incident", "故障"), ("Metric", "指标"), ("Dashboard", "仪表盘"),
    ("Workflow", "工作流"), ("Approval", "审批"), ("Question", "问题"), ("Survey", "问卷"),
    ("Vote", "投票"), ("Channel", "渠道"), ("Account", "账户"), ("Transaction", "交易"),
    ("Credential", "凭据"), ("Snapshot", "快照"), ("Backup", "备份"), ("Script", "脚本"),
]

APPS = [
    "accounts", "orders", "billing", "payments", "refunds", "inventory", "catalog",
    "notifications", "messaging", "projects", "tasks", "tickets", "shipping", "warehouse",
    "marketing", "coupons", "reports", "analytics", "monitoring", "alerts", "hosts",
    "deployments", "cmdb", "courses", "exams", "hr", "payroll", "crm", "contracts",
    "documents", "wiki", "blog", "comments", "forum", "surveys", "feedback", "audit",
    "permissions", "organizations", "teams", "calendar", "scheduling", "bookings",
    "subscriptions", "plans", "webhooks", "integrations", "tokens", "search", "media",
    "uploads", "cms", "pages", "menus", "customers", "suppliers", "procurement", "assets",
    "licenses", "releases", "pipelines", "builds", "incidents", "metrics", "dashboards",
    "workflows", "approvals", "questions", "votes", "channels", "ledger", "transactions",
    "credentials", "backups", "scripts", "jobs", "cron", "logs", "sso", "tenants", "quotas",
    "pricing", "cart", "checkout", "reviews", "ratings", "loyalty", "gifts", "stores",
    "regions", "geo", "devices", "iot", "firmware", "mail", "sms", "push", "chat", "support",
]
APP_PREFIXES = ["mall", "ops", "erp", "bk", "saas", "admin", "mobile", "legacy"]

RUNPYTHON_VERBS = ["backfill", "populate", "migrate", "normalise", "copy", "fix", "fill"]

WORDS = ("order customer invoice payment status amount total price item record list detail "
         "update create search filter export import report summary account user team "
         "project task ticket message notice review approve reject submit cancel confirm "
         "schedule deploy release build host cluster service alert metric chart table").split()


# --------------------------------------------------------------------------------------------
# Model state and migrations.
# --------------------------------------------------------------------------------------------


def snake(name):
    out = []
    for i, c in enumerate(name):
        if c.isupper() and i:
            out.append("_")
        out.append(c.lower())
    return "".join(out)


class Field:
    def __init__(self, name, call, kind):
        self.name = name
        self.call = call
        self.kind = kind


class Model:
    def __init__(self, app, name, zh):
        self.app = app
        self.name = name
        self.zh = zh
        self.fields = []

    @property
    def lower(self):
        return self.name.lower()

    @property
    def label(self):
        return "%s.%s" % (self.app.label, self.lower)

    def field_names(self):
        return [f.name for f in self.fields]

    def field(self, name):
        for f in self.fields:
            if f.name == name:
                return f
        return None


class App:
    def __init__(self, label, style, lang):
        self.label = label
        self.style = style
        self.lang = lang
        self.models = []
        self.migrations = []
        self.unused_models = []

    @property
    def path(self):
        return "apps/" + self.label


class Migration:
    def __init__(self, app, number, operations, dependencies, date, style, functions=(),
                 initial=False, name=None):
        self.app = app
        self.number = number
        self.operations = operations
        self.dependencies = dependencies
        self.date = date
        self.style = style
        self.functions = list(functions)
        self.initial = initial
        self.name = name or suggest_name(operations, initial, date)
        self.wrong = []
        self.version = None

    @property
    def filename(self):
        return "%04d_%s.py" % (self.number, self.name)

    @property
    def path(self):
        return "%s/migrations/%s" % (self.app.path, self.filename)


class Op:
    """One operation: the node to render plus what suggest_name needs."""

    def __init__(self, call, fragment):
        self.call = call
        self.fragment = fragment


def suggest_name(operations, initial, date):
    if initial:
        return "initial"
    fragments = [op.fragment for op in operations]
    if any(f is None for f in fragments):
        return "auto_%s" % date.strftime("%Y%m%d_%H%M")
    name = "_".join(sorted(fragments))
    if len(name) > 52:
        name = name[:52] + "_and_more"
    return name


class Generator:
    def __init__(self, args, rng):
        self.args = args
        self.rng = rng
        self.apps = []
        self.imports_needed = set()

    # ---- fields ------------------------------------------------------------------------

    def verbose(self, app, name):
        rng = self.rng
        if app.lang == "zh" and rng.random() < 0.8 and name in ZH:
            return [("verbose_name", Str(ZH[name]))]
        if app.lang == "en" and rng.random() < 0.4:
            return [("verbose_name", Str(name.replace("_", " ")))]
        return []

    def help_text(self):
        if self.rng.random() < 0.1:
            return [("help_text", Str(self.rng.choice(HELP_TEXTS)))]
        return []

    def make_field(self, app, name, kind, model=None):
        rng = self.rng
        kw = []
        if kind == "char":
            lengths = CHAR_FIELDS.get(name, (64, 128))
            kw.append(("max_length", Lit(str(rng.choice(lengths)))))
            func = "models.CharField"
            if name == "status" and rng.random() < 0.6:
                choices = rng.choice(STATUS_CHOICES)
                kw.append(("choices", Seq([Seq([Str(a), Str(b)], tuple_=True)
                                           for a, b in choices])))
                kw.append(("default", Str(choices[0][0])))
            elif name in ("code", "sku", "order_number", "serial_number") and rng.random() < 0.5:
                kw.append(("unique", Lit("True")))
            elif rng.random() < 0.3:
                kw += [("blank", Lit("True")), ("default", Str(""))]
            if rng.random() < 0.15:
                kw.append(("db_index", Lit("True")))
        elif kind == "email":
            func = "models.EmailField"
            kw.append(("max_length", Lit("254")))
            if rng.random() < 0.4:
                kw.append(("blank", Lit("True")))
        elif kind == "slug":
            func = "models.SlugField"
            kw.append(("max_length", Lit(str(rng.choice((50, 100, 200))))))
            if rng.random() < 0.5:
                kw.append(("unique", Lit("True")))
        elif kind == "ip":
            func = "models.GenericIPAddressField"
            kw += [("blank", Lit("True")), ("null", Lit("True"))]
        elif kind == "text":
            func = "models.TextField"
            if rng.random() < 0.5:
                kw.append(("blank", Lit("True")))
            if rng.random() < 0.2:
                kw.append(("default", Str("")))
        elif kind == "int":
            func = rng.choice(["models.IntegerField", "models.PositiveIntegerField",
                               "models.PositiveSmallIntegerField", "models.BigIntegerField"])
            kw.append(("default", Lit(str(rng.choice((0, 0, 1, 3, 10, 30, 100))))))
        elif kind == "float":
            func = "models.FloatField"
            kw.append(("default", Lit("0.0")))
        elif kind == "decimal":
            func = "models.DecimalField"
            if name in ("latitude", "longitude"):
                kw += [("decimal_places", Lit("6")), ("max_digits", Lit("9"))]
                kw += [("blank", Lit("True")), ("null", Lit("True"))]
            else:
                kw += [("decimal_places", Lit("2")),
                       ("max_digits", Lit(str(rng.choice((10, 12, 14, 18)))))]
                kw.append(("default", Call("decimal.Decimal", [Str("0")])))
                self.imports_needed.add("import decimal")
        elif kind == "bool":
            func = "models.BooleanField"
            kw.append(("default", Lit(rng.choice(["False", "True"]))))
        elif kind == "created":
            func = "models.DateTimeField"
            kw.append(("auto_now_add", Lit("True")))
            if rng.random() < 0.3:
                kw.append(("db_index", Lit("True")))
        elif kind == "updated":
            func = "models.DateTimeField"
            kw.append(("auto_now", Lit("True")))
        elif kind == "moment":
            func = "models.DateTimeField"
            if rng.random() < 0.7:
                kw += [("blank", Lit("True")), ("null", Lit("True"))]
            else:
                kw.append(("default", Lit("django.utils.timezone.now")))
                self.imports_needed.add("import django.utils.timezone")
        elif kind == "date":
            func = "models.DateField"
            kw += [("blank", Lit("True")), ("null", Lit("True"))]
        elif kind == "json":
            func = "models.JSONField"
            kw += [("blank", Lit("True")), ("default", Lit(rng.choice(["dict", "list"])))]
        elif kind == "uuid":
            func = "models.UUIDField"
            kw += [("default", Lit("uuid.uuid4")), ("editable", Lit("False")),
                   ("unique", Lit("True"))]
            self.imports_needed.add("import uuid")
        elif kind == "url":
            func = "models.URLField"
            kw += [("blank", Lit("True")), ("max_length", Lit(str(rng.choice((200, 500)))))]
        elif kind == "file":
            func = "models.ImageField" if name in ("avatar", "image", "thumbnail", "cover") \
                else "models.FileField"
            kw += [("blank", Lit("True")), ("upload_to", Str(FILE_FIELDS.get(name, "files/")))]
            if rng.random() < 0.3:
                kw.append(("null", Lit("True")))
        elif kind == "user":
            func = "models.ForeignKey"
            self.imports_needed.add("from django.conf import settings")
            self.imports_needed.add("import django.db.models.deletion")
            if name in ("owner", "author", "assignee") or rng.random() < 0.3:
                kw.append(("on_delete", Lit("django.db.models.deletion.CASCADE")))
            else:
                kw += [("blank", Lit("True")), ("null", Lit("True")),
                       ("on_delete", Lit("django.db.models.deletion.SET_NULL"))]
            related = "+" if rng.random() < 0.5 else "%s_%s" % (
                (model.lower if model else app.label), name)
            kw.append(("related_name", Str(related)))
            kw.append(("to", Lit("settings.AUTH_USER_MODEL")))
        elif kind == "fk":
            func = "models.ForeignKey"
            self.imports_needed.add("import django.db.models.deletion")
            target, related = model
            if rng.random() < 0.6:
                kw.append(("on_delete", Lit("django.db.models.deletion.CASCADE")))
            else:
                kw += [("blank", Lit("True")), ("null", Lit("True")),
                       ("on_delete", Lit("django.db.models.deletion.%s" %
                                         rng.choice(["SET_NULL", "SET_NULL", "PROTECT"])))]
                if kw[-1][1].code.endswith("PROTECT"):
                    kw = [k for k in kw if k[0] not in ("blank", "null")]
            if related:
                kw.append(("related_name", Str(related)))
            kw.append(("to", Str(target.label)))
        elif kind == "m2m":
            func = "models.ManyToManyField"
            target, related = model
            kw.append(("blank", Lit("True")))
            if related:
                kw.append(("related_name", Str(related)))
            kw.append(("to", Str(target.label)))
        else:
            raise AssertionError(kind)
        if kind not in ("fk", "m2m"):
            kw += self.verbose(app, name)
        elif app.lang == "zh" and rng.random() < 0.5:
            kw.append(("verbose_name", Str(model[0].zh)))
        kw += self.help_text()
        return Field(name, Call(func, kwargs=kw, sort=True), kind)

    def clean_catalog(self):
        catalog = [(n, "char") for n in CHAR_FIELDS]
        catalog += [("email", "email"), ("slug", "slug"), ("ip_address", "ip"),
                    ("uuid", "uuid")]
        catalog += [(n, "text") for n in TEXT_FIELDS]
        catalog += [(n, "int") for n in INT_FIELDS]
        catalog += [(n, "float") for n in FLOAT_FIELDS]
        catalog += [(n, "decimal") for n in DECIMAL_FIELDS]
        catalog += [(n, "bool") for n in BOOL_FIELDS]
        catalog += [(n, "moment") for n in DATETIME_FIELDS]
        catalog += [(n, "date") for n in DATE_FIELDS]
        catalog += [(n, "json") for n in JSON_FIELDS]
        catalog += [(n, "url") for n in URL_FIELDS]
        catalog += [(n, "file") for n in FILE_FIELDS]
        catalog += [(n, "user") for n in USER_FK]
        return catalog

    def new_clean_field(self, app, model, avoid=(), plain=False):
        """A clean field the model does not have yet, or None when the catalog is used up;
        `plain` leaves out relations, which would need dependencies of their own."""
        rng = self.rng
        taken = set(model.field_names()) | set(avoid)
        if not plain and rng.random() < 0.15:
            targets = [m for m in self.all_models() if m is not model
                       and snake(m.name) not in taken]
            if targets:
                target = rng.choice(targets)
                fname = snake(target.name)
                if rng.random() < 0.15 and fname + "s" not in taken:
                    return self.make_field(app, fname + "s", "m2m", (target, None))
                related = rng.choice([None, "+", "%s_set_%s" % (model.lower, fname),
                                      snake(model.name) + "s"])
                return self.make_field(app, fname, "fk", (target, related))
        options = [(n, k) for n, k in self.catalog if n not in taken
                   and not (plain and k == "user")]
        if not options:
            return None
        name, kind = rng.choice(options)
        return self.make_field(app, name, kind, model)

    def wrong_field(self, app, model):
        names = [n for n in WRONG_NAMES if n not in model.field_names()]
        if not names:
            return None
        name = self.rng.choice(names)
        return self.make_field(app, name, WRONG_NAMES[name], model)

    def all_models(self):
        return [m for a in self.apps for m in a.models]

    def id_field(self):
        return Field("id", Call("models.BigAutoField", kwargs=[
            ("auto_created", Lit("True")), ("primary_key", Lit("True")),
            ("serialize", Lit("False")), ("verbose_name", Str("ID"))]), "id")

    # ---- operations ----------------------------------------------------------------------

    def create_model(self, app, wrong):
        rng = self.rng
        if not app.unused_models:
            return None, None
        name, zh = app.unused_models.pop(0)
        model = Model(app, name, zh)
        model.fields.append(self.id_field())
        size = rng.randint(5, 40)
        with_stamps = rng.random() < 0.6
        body = size - 1 - (2 if with_stamps else 0)
        for _ in range(max(body, 1)):
            field = self.new_clean_field(app, model, avoid=("created_at", "updated_at"))
            if field is None:
                break
            model.fields.append(field)
        planted = None
        if wrong:
            planted = self.wrong_field(app, model)
            model.fields.insert(rng.randint(1, len(model.fields)), planted)
        if with_stamps:
            model.fields.append(self.make_field(app, "created_at", "created"))
            model.fields.append(self.make_field(app, "updated_at", "updated"))
        app.models.append(model)
        kwargs = [("name", Str(model.name)),
                  ("fields", Seq([Seq([Str(f.name), f.call], tuple_=True) for f in model.fields],
                                 magic=True))]
        options = []
        if app.lang == "zh" or rng.random() < 0.4:
            vn = zh if app.lang == "zh" else snake(name).replace("_", " ")
            options.append(("verbose_name", Str(vn)))
            options.append(("verbose_name_plural", Str(vn if app.lang == "zh" else vn + "s")))
        if with_stamps and rng.random() < 0.5:
            options.append(("ordering", Seq([Str("-created_at")])))
        if rng.random() < 0.1:
            options.append(("db_table", Str("t_%s_%s" % (app.label, snake(name)))))
        if options:
            kwargs.append(("options", dict_node(options, magic=True)))
        op = Op(Call("migrations.CreateModel", kwargs=kwargs, magic=True), model.lower)
        return op, ([planted.name] if planted else [])

    def add_field(self, app, model, field, name=None):
        kwargs = [("model_name", Str(model.lower)), ("name", Str(field.name)),
                  ("field", field.call)]
        preserve = False
        if field.kind in ("char",) and self.rng.random() < 0.2:
            preserve = True
        if preserve:
            kwargs.append(("preserve_default", Lit("False")))
        model.fields.append(field)
        return Op(Call("migrations.AddField", kwargs=kwargs, magic=True),
                  "%s_%s" % (model.lower, field.name.lower()))

    def alter_field(self, app, model):
        rng = self.rng
        candidates = [f for f in model.fields if f.kind not in ("id", "m2m")]
        if not candidates:
            return None
        old = rng.choice(candidates)
        target = None
        if old.kind == "fk":
            to = dict(old.call.kwargs)["to"].value
            target = next((m for m in self.all_models() if m.label == to), None)
            if target is None:
                return None
            new = self.make_field(app, old.name, "fk", (target, None))
        else:
            new = self.make_field(app, old.name, old.kind, model)
            if rng.random() < 0.5:
                new.call.kwargs = sorted(new.call.kwargs + [("db_index", Lit("True"))]
                                         if not any(k == "db_index" for k, _ in new.call.kwargs)
                                         else new.call.kwargs, key=lambda kv: kv[0])
        model.fields[model.fields.index(old)] = new
        return Op(Call("migrations.AlterField", kwargs=[
            ("model_name", Str(model.lower)), ("name", Str(new.name)), ("field", new.call)],
            magic=True), "alter_%s_%s" % (model.lower, new.name.lower()))

    def remove_field(self, app, model):
        candidates = [f for f in model.fields if f.kind not in ("id", "created", "updated")]
        if len(candidates) < 3:
            return None
        field = self.rng.choice(candidates)
        model.fields.remove(field)
        return Op(Call("migrations.RemoveField", kwargs=[
            ("model_name", Str(model.lower)), ("name", Str(field.name))], magic=True),
            "remove_%s_%s" % (model.lower, field.name.lower()))

    def rename_field(self, app, model, to_wrong=False):
        rng = self.rng
        wrong_here = [f for f in model.fields if f.name in WRONG_NAMES]
        if not to_wrong and wrong_here and rng.random() < 0.5:
            # the usual fix: rename a wrong name to the right one
            old = rng.choice(wrong_here)
            right = {"create_time": "created_at", "update_time": "updated_at",
                     "modify_time": "updated_at", "start_time": "started_at",
                     "end_time": "finished_at", "is_delete": "is_deleted",
                     "hidden": "is_hidden", "enabled": "is_enabled",
                     "creator": "created_by", "desc": "description"}[old.name]
            if right in model.field_names():
                return None
            new_name = right
        else:
            candidates = [f for f in model.fields if f.kind not in ("id", "fk", "m2m", "user")
                          and f.name not in WRONG_NAMES]
            if not candidates:
                return None
            old = rng.choice(candidates)
            if to_wrong:
                pool = [n for n, k in WRONG_NAMES.items()
                        if k == old.kind and n not in model.field_names()]
            else:
                pool = [n for n, k in self.catalog
                        if k == old.kind and n not in model.field_names()]
            if not pool:
                return None
            new_name = rng.choice(pool)
        field = Field(new_name, old.call, old.kind)
        model.fields[model.fields.index(old)] = field
        return Op(Call("migrations.RenameField", kwargs=[
            ("model_name", Str(model.lower)), ("old_name", Str(old.name)),
            ("new_name", Str(new_name))], magic=True),
            "rename_%s_%s_%s" % (old.name.lower(), model.lower, new_name.lower()))

    def add_index(self, app, model):
        rng = self.rng
        candidates = [f.name for f in model.fields if f.kind not in ("id", "m2m", "text", "json")]
        if not candidates:
            return None
        fields = rng.sample(candidates, min(len(candidates), rng.choice((1, 1, 2, 2, 3))))
        digest = "%06x" % rng.getrandbits(24)
        table = "%s_%s" % (app.label, model.lower)
        name = "%s_%s_%s_idx" % (table[:11], fields[0][:7], digest)
        return Op(Call("migrations.AddIndex", kwargs=[
            ("model_name", Str(model.lower)),
            ("index", Call("models.Index", kwargs=[
                ("fields", Seq([Str(f) for f in fields])), ("name", Str(name))]))],
            magic=True), "%s_%s" % (model.lower, name))

    def alter_options(self, app, model):
        options = [("ordering", Seq([Str(self.rng.choice(["-id", "name", "-created_at"]))]))]
        if app.lang == "zh":
            options.append(("verbose_name", Str(model.zh)))
            options.append(("verbose_name_plural", Str(model.zh)))
        return Op(Call("migrations.AlterModelOptions", kwargs=[
            ("name", Str(model.lower)), ("options", dict_node(options, magic=True))],
            magic=True), "alter_%s_options" % model.lower)

    def run_python(self, app, model):
        rng = self.rng
        fields = [f for f in model.fields if f.kind in ("char", "bool", "int", "text")]
        verb = rng.choice(RUNPYTHON_VERBS)
        field = rng.choice(fields).name if fields else "id"
        func = "%s_%s_%s" % (verb, snake(model.name), field)
        var = model.name
        q = '"' if app.style == BLACK else "'"
        body = [
            "def %s(apps, schema_editor):" % func,
            "    %s = apps.get_model(%s%s%s, %s%s%s)" % (var, q, app.label, q, q, model.name, q),
            "    db_alias = schema_editor.connection.alias",
            "    queryset = %s.objects.using(db_alias).filter(%s__isnull=False)" % (var, field),
            "    for obj in queryset.iterator(chunk_size=500):",
            "        obj.save(update_fields=[%s%s%s])" % (q, field, q),
        ]
        args = [Lit(func)]
        if rng.random() < 0.7:
            args.append(Lit("migrations.RunPython.noop"))
        else:
            back = "reverse_" + func
            body += ["", "", "def %s(apps, schema_editor):" % back, "    pass"]
            args.append(Lit(back))
        # hand-written data migrations are named after what they do
        name = "%s_%s_%s" % (verb, snake(model.name), field)
        return Op(Call("migrations.RunPython", args=args), None), body, name

    # ---- an app's history ----------------------------------------------------------------

    def dependency_on(self, app, migration):
        return Seq([Str(app.label), Str(migration.filename[:-3])], tuple_=True)

    def build_migration(self, app, number, date, wrong, allow_create=True):
        """One migration for `app`; `wrong` plants a wrong name in it."""
        rng = self.rng
        self.imports_needed = set()
        ops, planted, functions, name = [], [], [], None
        initial = number == 1
        if initial:
            for i in range(rng.randint(1, 3) if app.unused_models else 1):
                op, names = self.create_model(app, wrong and i == 0)
                if op is None:
                    break
                ops.append(op)
                planted += names
        else:
            models = app.models
            kind = rng.choices(
                ["create", "add", "alter", "rename", "remove", "index", "options", "python",
                 "mixed"],
                weights=[12, 32, 18, 5, 8, 7, 3, 7, 8])[0]
            if kind == "create" and (not allow_create or not app.unused_models):
                kind = "add"
            model = rng.choice(models)
            if kind == "create":
                op, names = self.create_model(app, wrong)
                ops.append(op)
                planted += names
                wrong = False
            elif kind == "add":
                for _ in range(rng.choice((1, 1, 1, 2, 3))):
                    field = self.new_clean_field(app, model)
                    if field is not None:
                        ops.append(self.add_field(app, model, field))
            elif kind == "python":
                op, functions, name = self.run_python(app, model)
                ops.append(op)
            else:
                makers = {"alter": self.alter_field, "rename": self.rename_field,
                          "remove": self.remove_field, "index": self.add_index,
                          "options": self.alter_options}
                picks = [kind] if kind != "mixed" else rng.sample(
                    ["alter", "remove", "index", "alter", "options"], 2)
                for pick in picks:
                    op = makers[pick](app, rng.choice(models))
                    if op is not None:
                        ops.append(op)
                if kind == "mixed" or rng.random() < 0.2:
                    field = self.new_clean_field(app, model)
                    if field is not None:
                        ops.insert(0, self.add_field(app, model, field))
            if wrong:
                how = rng.random()
                target = rng.choice(models)
                op = None
                if how < 0.1:
                    op = self.rename_field(app, target, to_wrong=True)
                    if op is not None:
                        planted.append(op.call.kwargs[2][1].value)
                elif how < 0.2:
                    base = self.new_clean_field(app, target)
                    wrong_name = rng.choice([n for n, k in WRONG_NAMES.items()])
                    if base is not None and base.kind not in ("fk", "m2m", "user"):
                        base.call.kwargs = sorted(base.call.kwargs + [
                            ("db_column", Str(wrong_name))], key=lambda kv: kv[0])
                        op = self.add_field(app, target, base)
                        planted.append(wrong_name)
                if op is None:
                    field = self.wrong_field(app, target)
                    if field is not None:
                        op = self.add_field(app, target, field)
                        planted.append(field.name)
                if op is not None:
                    ops.append(op)
            if not ops:
                field = self.new_clean_field(app, model)
                if field is None:
                    op = self.add_index(app, model) or self.alter_options(app, model)
                    ops.append(op)
                else:
                    ops.append(self.add_field(app, model, field))
        deps = []
        if any(op.call.func == "migrations.CreateModel" or op.call.func == "migrations.AddField"
               for op in ops):
            deps += self.cross_dependencies(app, ops)
        if app.migrations:
            deps.insert(0, self.dependency_on(app, app.migrations[-1]))
        style = app.style if rng.random() < 0.9 else (BLACK if app.style == DJANGO else DJANGO)
        if functions:
            style = app.style
        migration = Migration(app, number, ops, deps, date, style, functions, initial, name)
        migration.imports = set(self.imports_needed)
        migration.wrong = planted
        migration.version = rng.choice(DJANGO_VERSIONS)
        return migration

    def cross_dependencies(self, app, ops):
        deps, seen = [], set()

        def walk(node):
            if isinstance(node, Call):
                for k, v in node.kwargs:
                    if k == "to":
                        if isinstance(v, Lit) and "AUTH_USER_MODEL" in v.code:
                            if "user" not in seen:
                                seen.add("user")
                                deps.append(Call("migrations.swappable_dependency",
                                                 [Lit("settings.AUTH_USER_MODEL")]))
                        elif isinstance(v, Str):
                            label = v.value.split(".")[0]
                            if label != app.label and label not in seen:
                                seen.add(label)
                                other = next(a for a in self.apps if a.label == label)
                                deps.append(self.dependency_on(other, other.migrations[-1]))
                    walk(v)
                for a in node.args:
                    walk(a)
            elif isinstance(node, Seq):
                for i in node.items:
                    walk(i)
            elif isinstance(node, Dict):
                for _, v in node.items:
                    walk(v)

        for op in ops:
            walk(op.call)
        return deps

    # ---- rendering -----------------------------------------------------------------------

    def render(self, migration):
        style = migration.style
        quote = BLACK if style == BLACK else DJANGO
        imports = set(migration.imports)
        imports.add("from django.db import migrations, models" if any(
            "models." in op.call.flat(quote) for op in migration.operations)
            else "from django.db import migrations")
        if any(isinstance(d, Call) for d in migration.dependencies):
            imports.add("from django.conf import settings")
        # Django 4.2's writer: plain imports before from-imports, each group by module.
        ordered = sorted(imports, key=lambda i: (i.split()[0] == "from", i.split()[1]))
        lines = []
        if not migration.functions:
            lines += ["# Generated by Django %s on %s" % (
                migration.version, migration.date.strftime("%Y-%m-%d %H:%M")), ""]
        lines += ordered
        if migration.functions:
            lines += ["", ""] + migration.functions
        lines += ["", "", "class Migration(migrations.Migration):"]
        if style == DJANGO:
            lines.append("")
        if migration.initial:
            lines += ["    initial = True", ""]
        if style == DJANGO:
            lines.append("    dependencies = [")
            for dep in migration.dependencies:
                lines.append("        %s," % dep.flat(quote))
            lines += ["    ]", "", "    operations = ["]
            for op in migration.operations:
                if op.call.func == "migrations.RunPython":
                    lines.append("        %s," % op.call.flat(quote))
                else:
                    lines += django_operation_lines(op.call, quote)
            lines.append("    ]")
        else:
            deps = Seq(migration.dependencies, magic=True)
            if migration.dependencies:
                lines += black_lines(deps, 4, quote, "dependencies = ")
            else:
                lines.append("    dependencies = []")
            lines.append("")
            lines += black_lines(Seq([op.call for op in migration.operations], magic=True),
                                 4, quote, "operations = ")
        return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Files other than migrations.
# --------------------------------------------------------------------------------------------


def models_py(app):
    lines = ["import decimal", "import uuid", "", "from django.conf import settings",
             "from django.db import models", "from django.utils import timezone", "", ""]
    for model in app.models:
        lines.append("class %s(models.Model):" % model.name)
        for field in model.fields:
            if field.kind == "id":
                continue
            call = field.call.flat(BLACK).replace('to="%s.' % app.label, 'to="')
            call = call.replace("django.db.models.deletion.", "models.").replace(
                "django.utils.timezone.now", "timezone.now")
            lines.append("    %s = %s" % (field.name, call))
        lines += ["", "    class Meta:", '        verbose_name = "%s"' % model.zh, "",
                  "    def __str__(self):", "        return str(self.pk)", "", ""]
    return "\n".join(lines).rstrip() + "\n"


def views_py(app):
    lines = ["from django.contrib.auth.mixins import LoginRequiredMixin",
             "from django.views.generic import DetailView, ListView", "",
             "from .models import %s" % ", ".join(m.name for m in app.models), "", ""]
    for m in app.models:
        lines += [
            "class %sListView(LoginRequiredMixin, ListView):" % m.name,
            "    model = %s" % m.name,
            "    paginate_by = 20",
            '    template_name = "%s/%s_list.html"' % (app.label, snake(m.name)), "",
            "    def get_queryset(self):",
            "        queryset = super().get_queryset()",
            '        keyword = self.request.GET.get("q")',
            "        if keyword:",
            "            queryset = queryset.filter(pk__icontains=keyword)",
            "        return queryset", "", "",
            "class %sDetailView(LoginRequiredMixin, DetailView):" % m.name,
            "    model = %s" % m.name,
            '    template_name = "%s/%s_detail.html"' % (app.label, snake(m.name)), "", ""]
    return "\n".join(lines).rstrip() + "\n"


def urls_py(app):
    lines = ["from django.urls import path", "", "from . import views", "",
             'app_name = "%s"' % app.label, "", "urlpatterns = ["]
    for m in app.models:
        s = snake(m.name)
        lines.append('    path("%s/", views.%sListView.as_view(), name="%s-list"),' % (s, m.name, s))
        lines.append('    path("%s/<int:pk>/", views.%sDetailView.as_view(), name="%s-detail"),'
                     % (s, m.name, s))
    lines.append("]")
    return "\n".join(lines) + "\n"


def admin_py(app):
    lines = ["from django.contrib import admin", "",
             "from .models import %s" % ", ".join(m.name for m in app.models), ""]
    for m in app.models:
        shown = [f.name for f in m.fields if f.kind not in ("m2m", "text", "json")][:6]
        lines += ["", "@admin.register(%s)" % m.name,
                  "class %sAdmin(admin.ModelAdmin):" % m.name,
                  "    list_display = (%s)" % ", ".join('"%s"' % f for f in shown) +
                  ("," if len(shown) == 1 else ""),
                  "    list_per_page = 50", ""]
    return "\n".join(lines).rstrip() + "\n"


def serializers_py(app):
    lines = ["from rest_framework import serializers", "",
             "from .models import %s" % ", ".join(m.name for m in app.models), ""]
    for m in app.models:
        lines += ["", "class %sSerializer(serializers.ModelSerializer):" % m.name,
                  "    class Meta:", "        model = %s" % m.name,
                  '        fields = "__all__"', '        read_only_fields = ("id",)', ""]
    return "\n".join(lines).rstrip() + "\n"


def forms_py(app):
    lines = ["from django import forms", "",
             "from .models import %s" % ", ".join(m.name for m in app.models), ""]
    for m in app.models:
        names = [f.name for f in m.fields if f.kind not in ("id", "created", "updated")][:8]
        lines += ["", "class %sForm(forms.ModelForm):" % m.name, "    class Meta:",
                  "        model = %s" % m.name,
                  "        fields = [%s]" % ", ".join('"%s"' % n for n in names), ""]
    return "\n".join(lines).rstrip() + "\n"


def apps_py(app):
    camel = "".join(p.capitalize() for p in app.label.split("_"))
    return ('from django.apps import AppConfig\n\n\nclass %sConfig(AppConfig):\n'
            '    default_auto_field = "django.db.models.BigAutoField"\n'
            '    name = "apps.%s"\n' % (camel, app.label))


def test_py(rng, app, topic):
    m = rng.choice(app.models)
    lines = ["from django.test import TestCase", "from django.urls import reverse", "",
             "from apps.%s.models import %s" % (app.label, m.name), "", "",
             "class %s%sTests(TestCase):" % (m.name, topic.capitalize())]
    for i in range(rng.randint(2, 8)):
        verb = rng.choice(WORDS)
        lines += ["    def test_%s_%s_%d(self):" % (topic, verb, i),
                  '        url = reverse("%s:%s-list")' % (app.label, snake(m.name)),
                  "        response = self.client.get(url)",
                  "        self.assertIn(response.status_code, (200, 302))",
                  "        self.assertEqual(%s.objects.count(), 0)" % m.name, ""]
    return "\n".join(lines).rstrip() + "\n"


def template_html(rng, app, model, view):
    fields = [f for f in model.fields if f.kind not in ("id", "m2m")][:rng.randint(3, 12)]
    lines = ['{% extends "base.html" %}', "{% load i18n static %}", "",
             "{% block title %}" + model.zh + "{% endblock %}", "", "{% block content %}",
             '<div class="container %s-%s">' % (snake(model.name), view),
             '  <h1 class="page-title">{% trans "' + model.name + '" %}</h1>']
    if view in ("list", "table", "export"):
        lines += ['  <table class="table table-striped">', "    <thead>", "      <tr>"]
        lines += ["        <th>{%% trans \"%s\" %%}</th>" % f.name for f in fields]
        lines += ["      </tr>", "    </thead>", "    <tbody>",
                  "    {% for obj in object_list %}", "      <tr>"]
        lines += ["        <td>{{ obj.%s }}</td>" % f.name for f in fields]
        lines += ["      </tr>", "    {% empty %}",
                  '      <tr><td colspan="%d">{%% trans "Nothing yet" %%}</td></tr>' % len(fields),
                  "    {% endfor %}", "    </tbody>", "  </table>",
                  '  {% include "includes/pagination.html" %}']
    else:
        lines += ['  <dl class="row">']
        for f in fields:
            lines += ['    <dt class="col-sm-3">{%% trans "%s" %%}</dt>' % f.name,
                      '    <dd class="col-sm-9">{{ object.%s|default:"-" }}</dd>' % f.name]
        lines += ["  </dl>"]
    lines += ["</div>", "{% endblock %}"]
    return "\n".join(lines) + "\n"


def css_file(rng, app, name):
    lines = []
    for i in range(rng.randint(4, 30)):
        sel = ".%s-%s-%s" % (app.label, name, rng.choice(WORDS))
        lines += ["%s {" % sel,
                  "  margin: %dpx %dpx;" % (rng.randint(0, 24), rng.randint(0, 24)),
                  "  padding: %dpx;" % rng.randint(0, 16),
                  "  color: #%06x;" % rng.getrandbits(24), "}", ""]
    return "\n".join(lines)


def js_file(rng, app, name):
    lines = ['"use strict";', "", "(function () {"]
    for i in range(rng.randint(2, 12)):
        fn = "%s%s%d" % (rng.choice(WORDS), rng.choice(WORDS).capitalize(), i)
        lines += ["  function %s(el) {" % fn,
                  "    const url = el.dataset.url || \"/%s/%s/\";" % (app.label, name),
                  "    return fetch(url, { credentials: \"same-origin\" })",
                  "      .then((resp) => resp.json())",
                  "      .then((data) => { el.textContent = data.%s; });" % rng.choice(WORDS),
                  "  }", "",
                  "  document.querySelectorAll(\"[data-%s]\").forEach(%s);" % (name, fn), ""]
    lines.append("})();")
    return "\n".join(lines) + "\n"


def svg_file(rng):
    paths = "".join('<path d="M%d %dL%d %dZ" fill="#%06x"/>' % (
        rng.randint(0, 24), rng.randint(0, 24), rng.randint(0, 24), rng.randint(0, 24),
        rng.getrandbits(24)) for _ in range(rng.randint(2, 20)))
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" '
            'height="24">%s</svg>\n' % paths)


def po_file(rng, app):
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for m in app.models:
        for f in m.fields[:rng.randint(3, 15)]:
            lines += ["#: apps/%s/templates/%s/%s_list.html" % (app.label, app.label,
                                                               snake(m.name)),
                      'msgid "%s"' % f.name, 'msgstr "%s"' % ZH.get(f.name, f.name), ""]
    return "\n".join(lines)


def service_py(rng, app, name):
    m = rng.choice(app.models)
    lines = ['"""%s helpers for %s."""' % (name.capitalize(), app.label), "",
             "import logging", "", "from apps.%s.models import %s" % (app.label, m.name), "",
             "logger = logging.getLogger(__name__)", ""]
    for i in range(rng.randint(2, 10)):
        verb = rng.choice(WORDS)
        lines += ["", "def %s_%s_%d(pk, **options):" % (verb, snake(m.name), i),
                  "    obj = %s.objects.filter(pk=pk).first()" % m.name,
                  "    if obj is None:",
                  '        logger.warning("%s %%s not found", pk)' % m.name,
                  "        return None",
                  "    for key, value in options.items():",
                  "        setattr(obj, key, value)",
                  "    obj.save()",
                  "    return obj", ""]
    return "\n".join(lines).rstrip() + "\n"


def fixture_json(rng, app):
    m = rng.choice(app.models)
    rows = []
    for pk in range(1, rng.randint(2, 12)):
        fields = {f.name: "%s %d" % (f.name, pk) for f in m.fields
                  if f.kind in ("char", "text")}
        rows.append({"model": m.label, "pk": pk, "fields": fields})
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def project_files(rng, apps):
    installed = "\n".join('    "apps.%s",' % a.label for a in apps)
    files = {
        "manage.py": ('#!/usr/bin/env python\nimport os\nimport sys\n\n\ndef main():\n'
                      '    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")\n'
                      '    from django.core.management import execute_from_command_line\n\n'
                      '    execute_from_command_line(sys.argv)\n\n\nif __name__ == "__main__":\n'
                      '    main()\n'),
        "README.md": "# Platform\n\nInternal platform: %d Django apps.\n\n## Development\n\n"
                     "    pip install -r requirements.txt\n    ./manage.py migrate\n" % len(apps),
        "requirements.txt": "Django==4.2.16\ndjangorestframework==3.15.2\ncelery==5.4.0\n"
                            "redis==5.0.8\npsycopg2-binary==2.9.9\ngunicorn==22.0.0\n",
        "pyproject.toml": '[tool.black]\nline-length = 88\nextend-exclude = "migrations"\n',
        ".check-migrate.toml": 'conventions = ["timestamps-at", "booleans-is", "actors-by", '
                               '"full-words"]\n',
        "setup.cfg": "[flake8]\nmax-line-length = 88\nexclude = */migrations/*\n",
        ".gitignore": "__pycache__/\n*.pyc\n/media/\n/static_root/\n.env\n",
        ".editorconfig": "root = true\n\n[*]\nindent_style = space\nindent_size = 4\n",
        "config/__init__.py": "",
        "config/settings/__init__.py": "",
        "config/settings/base.py": ("from pathlib import Path\n\nBASE_DIR = Path(__file__)"
                                    ".resolve().parent.parent.parent\n\nINSTALLED_APPS = [\n"
                                    '    "django.contrib.admin",\n    "django.contrib.auth",\n'
                                    '    "rest_framework",\n' + installed + "\n]\n\n"
                                    'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"\n'
                                    'LANGUAGE_CODE = "zh-hans"\nTIME_ZONE = "Asia/Shanghai"\n'
                                    "USE_TZ = True\n"),
        "config/settings/dev.py": "from .base import *  # noqa\n\nDEBUG = True\n",
        "config/settings/prod.py": "from .base import *  # noqa\n\nDEBUG = False\n",
        "config/urls.py": ("from django.contrib import admin\nfrom django.urls import include, "
                           "path\n\nurlpatterns = [\n    path(\"admin/\", admin.site.urls),\n" +
                           "\n".join('    path("%s/", include("apps.%s.urls")),' % (a.label, a.label)
                                     for a in apps) + "\n]\n"),
        "config/wsgi.py": ("import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
                           'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")'
                           "\n\napplication = get_wsgi_application()\n"),
        "config/asgi.py": ("import os\n\nfrom django.core.asgi import get_asgi_application\n\n"
                           'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")'
                           "\n\napplication = get_asgi_application()\n"),
        "apps/__init__.py": "",
        "templates/base.html": ("<!DOCTYPE html>\n<html lang=\"zh-hans\">\n<head>\n"
                                "  <meta charset=\"utf-8\">\n  <title>{% block title %}"
                                "{% endblock %}</title>\n</head>\n<body>\n"
                                "{% block content %}{% endblock %}\n</body>\n</html>\n"),
        "templates/includes/pagination.html": ("{% if is_paginated %}\n<nav>{{ page_obj.number }}"
                                               " / {{ paginator.num_pages }}</nav>\n{% endif %}\n"),
        "docs/migrations/upgrade-notes.md": ("# Upgrade notes\n\nRun `./manage.py migrate` after "
                                             "each deploy; data migrations are idempotent.\n"),
    }
    return files


# --------------------------------------------------------------------------------------------
# Putting it together.
# --------------------------------------------------------------------------------------------


def app_labels(rng, count):
    labels = list(APPS)
    rng.shuffle(labels)
    extra = ["%s_%s" % (p, a) for p in APP_PREFIXES for a in APPS]
    rng.shuffle(extra)
    return (labels + extra)[:count]


def split_total(rng, total, parts, minimum):
    """`total` split into `parts` integers of at least `minimum`, skewed like real projects
    (a few apps carry most of the history)."""
    if parts * minimum > total:
        raise SystemExit("cannot split %d into %d parts of at least %d" % (total, parts, minimum))
    # capped so no single app holds an implausible share (a few hundred migrations at most)
    weights = [min(rng.paretovariate(1.6), 20.0) for _ in range(parts)]
    spare = total - parts * minimum
    scale = spare / sum(weights)
    counts = [minimum + int(w * scale) for w in weights]
    order = sorted(range(parts), key=lambda i: -weights[i])
    i = 0
    while sum(counts) < total:
        counts[order[i % parts]] += 1
        i += 1
    return counts


class Repo:
    def __init__(self, root):
        self.root = root
        self.files = {}

    def add(self, path, content):
        if path in self.files:
            raise AssertionError("duplicate path " + path)
        self.files[path] = content

    def write(self):
        for path, content in self.files.items():
            full = os.path.join(self.root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="\n") as f:
                f.write(content)
        os.chmod(os.path.join(self.root, "manage.py"), 0o755)


def git_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        # the user's own configuration (hooks, templates, autocrlf) must not change the result
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Platform Team",
        "GIT_AUTHOR_EMAIL": "platform@example.com",
        "GIT_AUTHOR_DATE": COMMIT_DATE,
        "GIT_COMMITTER_NAME": "Platform Team",
        "GIT_COMMITTER_EMAIL": "platform@example.com",
        "GIT_COMMITTER_DATE": COMMIT_DATE,
    })
    return env


def git(root, *args, capture=False):
    result = subprocess.run(["git", "-c", "gc.auto=0", "-c", "core.hooksPath=/dev/null"]
                            + list(args), cwd=root, env=git_env(), check=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return result.stdout.decode() if capture else None


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("out", help="directory to create the repository in")
    p.add_argument("--size", choices=sorted(PRESETS), default="small",
                   help="preset for --files/--migrations (default: small)")
    p.add_argument("--files", type=int, help="tracked files in the end, migrations included")
    p.add_argument("--migrations", type=int, help="migration files in the end, staged included")
    p.add_argument("--apps", type=int, help="Django apps (default: migrations / 10, 3 to 200)")
    p.add_argument("--staged", type=int, default=3,
                   help="new migrations to stage: one with a wrong name, the rest clean; an "
                        "older migration is edited too when this is not 0 (default: 3)")
    p.add_argument("--wrong-rate", type=float, default=0.07,
                   help="share of committed migrations with a wrong name (default: 0.07)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--manifest", help="write a JSON description of the result here")
    p.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = p.parse_args(argv)
    files, migrations = PRESETS[args.size]
    args.files = args.files if args.files is not None else files
    args.migrations = args.migrations if args.migrations is not None else migrations
    if args.apps is None:
        args.apps = max(3, min(200, args.migrations // 10))
    if args.migrations < args.apps + args.staged:
        p.error("--migrations must be at least --apps + --staged")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    rng = random.Random(args.seed)
    out = os.path.abspath(args.out)
    if os.path.exists(out) and os.listdir(out):
        if not args.force:
            raise SystemExit("%s exists and is not empty (use --force to replace it)" % out)
        shutil.rmtree(out)
    os.makedirs(out, exist_ok=True)

    gen = Generator(args, rng)
    gen.catalog = gen.clean_catalog()
    committed_migrations = args.migrations - args.staged
    labels = app_labels(rng, args.apps)
    per_app = split_total(rng, committed_migrations, args.apps, 1)
    start = datetime(2019, 3, 1, 9, 0)
    repo = Repo(out)

    for label, count in zip(labels, per_app):
        app = App(label, rng.choice([DJANGO, BLACK]), rng.choice(["zh", "zh", "en", "none"]))
        models = list(MODELS)
        rng.shuffle(models)
        app.unused_models = models[:max(2, min(len(models), 2 + count // 4))]
        gen.apps.append(app)
        date = start + timedelta(days=rng.randint(0, 400), minutes=rng.randint(0, 600))
        for number in range(1, count + 1):
            wrong = rng.random() < args.wrong_rate
            migration = gen.build_migration(app, number, date, wrong)
            app.migrations.append(migration)
            date += timedelta(days=rng.randint(1, 30), minutes=rng.randint(0, 900))
        app.last_date = date

    wrong_paths = []
    for app in gen.apps:
        for migration in app.migrations:
            migration.text = gen.render(migration)
            repo.add(migration.path, migration.text)
            if migration.wrong:
                wrong_paths.append(migration.path)
        repo.add(app.path + "/migrations/__init__.py", "")

    # the fixed files every app has
    for path, content in project_files(rng, gen.apps).items():
        repo.add(path, content)
    for app in gen.apps:
        base = app.path + "/"
        repo.add(base + "__init__.py", "")
        repo.add(base + "apps.py", apps_py(app))
        repo.add(base + "models.py", models_py(app))
        repo.add(base + "views.py", views_py(app))
        repo.add(base + "urls.py", urls_py(app))
        repo.add(base + "admin.py", admin_py(app))
        repo.add(base + "serializers.py", serializers_py(app))
        repo.add(base + "forms.py", forms_py(app))
        repo.add(base + "tests/__init__.py", "")
        repo.add(base + "tests/test_models.py", test_py(rng, app, "models"))
        repo.add(base + "tests/test_views.py", test_py(rng, app, "views"))

    committed_files = args.files - args.staged
    filler = committed_files - len(repo.files)
    if filler < 0:
        raise SystemExit("--files %d is too small for %d apps and %d migrations (need at least "
                         "%d)" % (args.files, args.apps, args.migrations,
                                  len(repo.files) + args.staged))
    weights = [len(a.migrations) + 20 for a in gen.apps]
    shares = split_total(rng, filler, len(gen.apps), 0) if filler else [0] * len(gen.apps)
    # blend the skewed split with the history size so busy apps also have more files
    shares = rebalance(shares, weights, filler)
    for app, share in zip(gen.apps, shares):
        add_filler(rng, repo, app, share)

    repo.write()
    git(out, "init", "-q", "-b", "main")
    git(out, "add", "-A")
    git(out, "commit", "-q", "--no-verify", "-m", "Platform snapshot")
    # a cloned repository is packed; only what is staged afterwards stays loose
    git(out, "repack", "-a", "-d", "-q")
    git(out, "prune-packed")
    head = git(out, "rev-parse", "HEAD", capture=True).strip()

    staged = stage_changes(rng, gen, out, args.staged)

    # Refresh the index after the last write so no entry is racily clean: otherwise every
    # status would re-read those files and the first timed runs would pay for it.
    git(out, "update-index", "-q", "--refresh")
    git(out, "status", "--porcelain", capture=True)

    manifest = describe(out, args, head, wrong_paths, staged, len(gen.apps))
    if args.manifest:
        with open(args.manifest, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2, sort_keys=True)
            f.write("\n")
    print("generated %s: %d files, %d migrations (%d bytes), %d apps, %d committed with a "
          "wrong name, %d staged changes, HEAD %s" % (
              out, manifest["files"], manifest["migrations"], manifest["migration_bytes"],
              manifest["apps"], len(wrong_paths), len(staged["paths"]), head[:12]))


def rebalance(shares, weights, total):
    if total == 0:
        return shares
    wsum = sum(weights)
    mixed = [int((s + total * w / wsum) / 2) for s, w in zip(shares, weights)]
    i = 0
    order = sorted(range(len(mixed)), key=lambda k: -weights[k])
    while sum(mixed) < total:
        mixed[order[i % len(mixed)]] += 1
        i += 1
    return mixed


FILLER_KINDS = [("template", 30), ("js", 14), ("css", 10), ("svg", 10), ("test", 10),
                ("service", 10), ("po", 4), ("fixture", 6), ("command", 3), ("tags", 3)]
VIEWS = ["list", "detail", "form", "confirm_delete", "edit", "print", "export", "card",
         "table", "modal", "widget", "summary"]


def add_filler(rng, repo, app, count):
    kinds = [k for k, _ in FILLER_KINDS]
    weights = [w for _, w in FILLER_KINDS]
    base = app.path + "/"
    serial = 0
    for _ in range(count):
        kind = rng.choices(kinds, weights)[0]
        serial += 1
        model = rng.choice(app.models)
        s = snake(model.name)
        word = rng.choice(WORDS)
        if kind == "template":
            view = rng.choice(VIEWS)
            path = "%stemplates/%s/%s_%s_%d.html" % (base, app.label, s, view, serial)
            content = template_html(rng, app, model, view)
        elif kind == "js":
            path = "%sstatic/%s/js/%s_%s_%d.js" % (base, app.label, s, word, serial)
            content = js_file(rng, app, s)
        elif kind == "css":
            path = "%sstatic/%s/css/%s_%d.css" % (base, app.label, s, serial)
            content = css_file(rng, app, s)
        elif kind == "svg":
            path = "%sstatic/%s/img/%s_%d.svg" % (base, app.label, word, serial)
            content = svg_file(rng)
        elif kind == "test":
            path = "%stests/test_%s_%d.py" % (base, word, serial)
            content = test_py(rng, app, word)
        elif kind == "service":
            path = "%sservices/%s_%d.py" % (base, word, serial)
            content = service_py(rng, app, word)
        elif kind == "po":
            lang = rng.choice(["zh_Hans", "en", "ja"])
            path = "%slocale/%s/LC_MESSAGES/django_%d.po" % (base, lang, serial)
            content = po_file(rng, app)
        elif kind == "fixture":
            path = "%sfixtures/%s_%d.json" % (base, s, serial)
            content = fixture_json(rng, app)
        elif kind == "command":
            path = "%smanagement/commands/%s_%s_%d.py" % (base, word, s, serial)
            content = service_py(rng, app, word).replace(
                "import logging", "import logging\n\nfrom django.core.management.base "
                "import BaseCommand", 1)
        else:
            path = "%stemplatetags/%s_tags_%d.py" % (base, word, serial)
            content = ("from django import template\n\nregister = template.Library()\n\n\n"
                       "@register.filter\ndef %s_label(value):\n    return str(value)\n" % word)
        repo.add(path, content)


def stage_changes(rng, gen, out, count):
    """New migrations for `count` apps (the last one with a wrong name) and one older
    migration edited, all added to the index."""
    result = {"paths": [], "wrong": [], "edited": None}
    if count == 0:
        return result
    apps = rng.sample(gen.apps, min(count, len(gen.apps)))
    while len(apps) < count:
        apps.append(rng.choice(gen.apps))
    for i, app in enumerate(apps):
        wrong = i == count - 1
        number = len(app.migrations) + 1
        date = app.last_date
        migration = None
        for _ in range(20):
            state = snapshot(app)
            migration = gen.build_migration(app, number, date, wrong, allow_create=False)
            if bool(migration.wrong) == wrong:
                break
            restore(app, state)
            migration = None
        if migration is None:
            raise SystemExit("could not build a staged migration for %s" % app.label)
        app.migrations.append(migration)
        app.last_date = date + timedelta(days=1)
        write(out, migration.path, gen.render(migration))
        result["paths"].append(migration.path)
        if wrong:
            result["wrong"].append(migration.path)

    # an older migration gets one more field in its first CreateModel: a reviewer's request
    # answered in place before the migration ever ran anywhere
    initials = [a.migrations[0] for a in gen.apps if a.migrations[0].operations
                and a.migrations[0].operations[0].call.func == "migrations.CreateModel"
                and a.migrations[0].path not in result["wrong"]]
    target = rng.choice(initials)
    create = target.operations[0].call
    model = next(m for m in target.app.models if m.lower == create.kwargs[0][1].value.lower())
    gen.imports_needed = set(target.imports)
    field = gen.new_clean_field(target.app, model, avoid=[
        i.items[0].value for i in create.kwargs[1][1].items], plain=True)
    fields = create.kwargs[1][1]
    fields.items.insert(len(fields.items) - 1 if len(fields.items) > 2 else len(fields.items),
                        Seq([Str(field.name), field.call], tuple_=True))
    target.imports = gen.imports_needed
    write(out, target.path, gen.render(target))
    result["edited"] = target.path
    git(out, "add", "--", *result["paths"], target.path)
    return result


def snapshot(app):
    return ([list(m.fields) for m in app.models], list(app.models), list(app.unused_models))


def restore(app, state):
    fields, models, unused = state
    app.models[:] = models
    app.unused_models[:] = unused
    for m, f in zip(models, fields):
        m.fields[:] = f


def write(root, path, content):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8", newline="\n") as f:
        f.write(content)


def is_migration(path):
    parts = path.split("/")
    return (len(parts) >= 2 and parts[-2] == "migrations" and parts[-1].endswith(".py")
            and parts[-1] != "__init__.py" and len(parts[-1]) > 3)


def describe(out, args, head, wrong_paths, staged, apps):
    listed = git(out, "ls-files", "-z", capture=True).split("\0")
    tracked = [p for p in listed if p]
    migrations = [p for p in tracked if is_migration(p)]
    migration_bytes = sum(os.path.getsize(os.path.join(out, p)) for p in migrations)
    total_bytes = sum(os.path.getsize(os.path.join(out, p)) for p in tracked)
    return {
        "seed": args.seed,
        "size": args.size,
        "apps": apps,
        "files": len(tracked),
        "migrations": len(migrations),
        "migration_bytes": migration_bytes,
        "tracked_bytes": total_bytes,
        "head": head,
        "wrong_committed": wrong_paths,
        "staged": staged["paths"],
        "staged_wrong": staged["wrong"],
        "edited": staged["edited"],
    }


if __name__ == "__main__":
    main()
