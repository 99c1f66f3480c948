"""Every problem the generator can report, with a stable code.

The table below is the single source of truth: messages are built from it, and
the staff guide lists it, so a code's meaning and its fix never drift apart.
Like Sphinx warnings, every problem carries its location (``path:line``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: Severity
    template: str  # Simplified Chinese, str.format placeholders
    fix: str  # how a member of staff resolves it


E, W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    # Reading files
    "Y001": Code(
        E, "YAML 语法错误：{detail}", "检查该行的缩进、冒号和引号；含冒号的文本请用引号括起来。"
    ),
    "Y002": Code(E, "键“{key}”重复（第 {first} 行已出现）", "删除重复的一行，或合并两处内容。"),
    "Y003": Code(E, "键必须是文本：{key}", "把键改成普通文本，如 title、category。"),
    "F001": Code(
        E, "缺少前言：文件应以 --- 开头，写明条目元数据，再以 --- 结束", "参照样例条目补齐前言。"
    ),
    "F002": Code(E, "文件不是 UTF-8 编码：{detail}", "用编辑器将文件另存为 UTF-8 编码。"),
    "F003": Code(
        E, "前言必须是“键: 值”形式的映射", "前言每行写成“键: 值”，不要写成列表或单个文本。"
    ),
    "F004": Code(E, "无法读取文件：{detail}", "确认文件存在且有读取权限。"),
    # Schema (shared by catalog.yaml and front matter)
    "S101": Code(E, "未知的键“{key}”{hint}", "删除该键或改为正确的拼写；可用的键见内容约定。"),
    "S102": Code(E, "缺少必填项“{key}”", "补写该项。"),
    "S103": Code(E, "“{key}”应为{expected}，实际为{actual}", "按提示改正该值的类型。"),
    "S104": Code(
        E,
        "“{key}”的日期“{value}”无效，应为 YYYY-MM-DD 格式的真实日期{hint}",
        "写成如 2024-07-20 的日期。",
    ),
    "S105": Code(E, "“{key}”的值“{value}”不在可选范围内；可选：{choices}", "从可选值中选一个。"),
    "S106": Code(E, "“{key}”过长：{length} 个字符，最多 {limit} 个", "精简内容。"),
    "S107": Code(E, "“{key}”格式不正确：“{value}”（{expected}）", "按括号中的格式改写。"),
    "S108": Code(E, "“{key}”不能为空", "填写内容，或删除该键。"),
    # catalog.yaml semantics
    "C201": Code(
        E,
        "未定义的{kind}“{value}”；已定义：{known}",
        "先在 catalog.yaml 中定义，或改用已定义的键。",
    ),
    "C202": Code(
        E,
        "统一社会信用代码“{value}”的校验位不正确，应为“{expected}”",
        "核对本局的统一社会信用代码。",
    ),
    "C203": Code(
        E, "找不到目录配置文件 catalog.yaml", "在仓库根目录放置 catalog.yaml，或用 --root 指定。"
    ),
    "C204": Code(E, "审批步骤“{step}”重复定义", "每个审批步骤的 key 必须唯一。"),
    "C205": Code(
        E, "角色“{role}”按科室授予，需写明所管科室，如 {role}: [budget]", "写明该人员负责的科室。"
    ),
    "C213": Code(
        E,
        "无法读取目标分支 {base}，未能检查索引号是否已被占用",
        "确认分支名正确，并取回完整历史（git fetch origin；GitHub Actions 中 checkout 写 fetch-depth: 0）。",
    ),
    "C206": Code(
        E,
        "无法从 {ref} 读取受信任的 catalog.yaml：{detail}",
        "在合并请求中，审批签名按目标分支的 catalog.yaml 核验；确认已获取完整历史（fetch-depth: 0）且该分支存在。",
    ),
    "C207": Code(
        E,
        "“{name}”的签名公钥无效：{why}",
        "从本人的 .pub 文件复制完整的一行（如 ssh-ed25519 AAAA… 姓名）。",
    ),
    "C208": Code(
        E,
        "“{name}”的签名公钥与“{other}”的相同",
        "每人使用自己的密钥；核对后改正其中一人的公钥。",
    ),
    "C209": Code(
        E,
        "角色“{role}”的任职结束日期 {end} 早于开始日期 {start}",
        "核对 from（起）和 until（止）两个日期。",
    ),
    "C223": Code(
        E,
        "预决算文件类型“{doc_type}”的表“{name}”重复列出",
        "在 tables 和 debt_tables 中每张表只列一次。",
    ),
    # Items
    "I301": Code(
        E,
        "索引号“{value}”格式不正确，应为“{org}/年份-五位流水号”，如 {org}/2024-00001",
        "按格式改写索引号。",
    ),
    "I302": Code(
        E,
        "索引号前段“{prefix}”与本局代码“{org}”不一致",
        "索引号前段使用 catalog.yaml 中的本局代码。",
    ),
    "I303": Code(
        W, "索引号年份 {year} 与成文日期、发布日期的年份都不一致", "核对索引号的年份段是否写错。"
    ),
    "I304": Code(
        E,
        "索引号“{value}”重复，已被更早的条目 {other} 使用",
        "索引号一经赋予不可重复：本条目较新，请改用下一个空闲流水号（catalogue new 会自动取号）。",
    ),
    "I305": Code(
        E,
        "分类“{value}”不属于{scope}的分类{hint}；可选：{choices}",
        "对外公开条目放在 content/external/，对内公开条目放在 content/internal/。",
    ),
    "I306": Code(
        E,
        "责任科室“{value}”未在 catalog.yaml 中定义{hint}；可选：{choices}",
        "使用 catalog.yaml 中科室的键（英文），如办公室写 office。",
    ),
    "I307": Code(
        E,
        "“{key}”中的人员“{value}”未在 catalog.yaml 中登记{hint}",
        "核对姓名，或先在 catalog.yaml 中登记该人员。",
    ),
    "I308": Code(E, "公示截止日期 {expires} 早于发布日期 {published}", "核对两个日期。"),
    "I309": Code(E, "发布日期 {published} 早于成文日期 {written}", "核对两个日期。"),
    "I310": Code(
        E, "公开方式“{value}”不适用于{scope}条目；可选：{choices}", "从可选的公开方式中选择。"
    ),
    "I311": Code(
        E, "superseded_by 指向的索引号“{value}”不存在", "填写替代本条目的现有条目的索引号。"
    ),
    "I312": Code(
        W,
        "有效性为“{validity}”但没有写 superseded_by",
        "如有替代的新条目，填写其索引号，便于公众查阅。",
    ),
    "I313": Code(
        E, "有效性为“现行有效”的条目不能写 superseded_by", "将 validity 改为 amended 或 repealed。"
    ),
    "I314": Code(E, "条目不能由自己替代", "superseded_by 应填写另一条目的索引号。"),
    "I318": Code(
        E,
        "正文中还有 catalogue new 模板的提示“{text}”，尚未填写",
        "把“（请填写：……）”换成实际内容；不需要的段落整段删除。",
    ),
    "I319": Code(
        E,
        "索引号“{value}”在目标分支 {base} 上已被 {other} 使用（另一个合并请求先用了这个号）",
        "运行 catalogue new 重新取号，或把 index_no 改为两个分支都没有用过的下一个流水号。",
    ),
    "I315": Code(W, "缺少内容概述 summary，将从正文自动截取", "补写不超过 300 字的内容概述。"),
    "I316": Code(W, "正文为空", "补写正文，或在内容概述中说明。"),
    "I317": Code(W, "更新记录日期 {date} 早于发布日期 {published}", "核对更新记录的日期。"),
    # Attachments and links
    "L401": Code(
        E,
        "附件“{file}”不存在（查找的是 {checked}）；{listing}",
        "核对文件名（含扩展名）是否与文件夹中的文件完全一致，或把附件放到该位置。",
    ),
    "L402": Code(
        E,
        "附件路径“{file}”{why}",
        "附件应放在条目文件所在文件夹或其子文件夹中，路径从该文件夹写起、用“/”分隔，如 files/一季度.xlsx。",
    ),
    "L403": Code(E, "附件“{file}”重复列出", "删除重复的一项。"),
    "L404": Code(E, "正文链接“{target}”指向的文件或条目不存在", "改正链接，或补上被链接的文件。"),
    "L405": Code(
        E,
        "正文链接的本地文件“{target}”未列入 attachments，其内容不在审批范围内",
        "把该文件加入 attachments 后重新审批。",
    ),
    # Lifecycle (第十条, 条例第二十六条): depend on the day checked, warnings unless --strict
    "R601": Code(
        W,
        "及时公开事项应在成文后 {limit} 个工作日内（{deadline} 前）发布，实际 {published} 发布，晚了 {late} 个工作日",
        "以后在信息形成后 20 个工作日内发布；如成文日期有误，请更正。",
    ),
    "R602": Code(
        W,
        "每季度公开的“{series}”已过更新期限 {due}（最近一次更新 {last}）",
        "发布本季度的新条目（写同一 series），或在 changes 中记录本季度的更新。",
    ),
    "R603": Code(
        W,
        "逐段公开的阶段“{stage}”应于 {due} 前公开，尚未公开",
        "公开该阶段后在 stages 中写明 done 日期。",
    ),
    "R604": Code(
        W, "分类“{name}”目前没有现行公开的条目，检查时空白栏目不合格", "补充该分类的公开条目。"
    ),
    "R605": Code(
        W,
        "工作日历只有到 {last_year} 年的节假日安排，{year} 年暂按周一至周五计算工作日",
        "升级 chinesecalendar 软件包以获得新一年的节假日安排。",
    ),
    # Building the outputs
    "B001": Code(E, "模板出错：{detail}", "检查 themes/ 中该模板的语法，或撤销最近对模板的修改。"),
    "B003": Code(E, "写入输出失败：{detail}", "检查磁盘空间和 build/ 所在文件夹的写权限。"),
    "B004": Code(
        E,
        "构建用的子进程意外退出（{how}）",
        "通常是内存不足：关闭其他程序后重试；仍然失败请联系维护人员。",
    ),
    # Approvals
    "A501": Code(
        E,
        "缺少审批步骤“{name}”，可由 {who} 审批",
        "请其中一位运行 catalogue approve 文件 --by 姓名（步骤会自动确定），或 catalogue approve --all-pending --by 姓名。",
    ),
    "A502": Code(E, "审批步骤顺序不对：应为 {order}", "按审批制度的顺序排列并完成审批。"),
    "A503": Code(E, "“{by}”无权执行审批步骤“{name}”（需要{role}）", "由具备该角色的人员重新审批。"),
    "A504": Code(
        E, "“{by}”已审批步骤“{other}”，同一人不能审批多个步骤", "由另一位有权限的人员审批。"
    ),
    "A505": Code(E, "填报人“{by}”不能审批自己填报的条目", "由其他有权限的人员审批。"),
    "A506": Code(E, "审批日期 {date} 晚于发布日期 {published}", "条目须在发布前完成审批。"),
    "A507": Code(
        E,
        "“{by}”于 {date} 审批后，条目内容已被修改，须重新审批",
        "运行 catalogue approve --check 查看原因，再请审批人重新审批。",
    ),
    "A508": Code(
        E, "未知的审批步骤“{step}”；可选：{choices}", "使用 catalog.yaml 审批制度中的步骤键。"
    ),
    "A509": Code(E, "审批步骤“{step}”重复出现", "每个步骤只保留一条审批记录。"),
    "A510": Code(W, "非重大事项不需要审批步骤“{step}”", "如确属重大事项，写 major: true。"),
    "A511": Code(E, "审批日期 {date} 早于成文日期 {written}", "核对审批日期。"),
    "A518": Code(
        E,
        "审批日期 {date} 时“{by}”已离职或调离（{left}）",
        "由审批当日在任的有权人员重新审批。",
    ),
    "A519": Code(
        W,
        "“{by}”的审批日期 {date} 早于审批内容首次提交的日期 {committed}，疑似倒签",
        "审批日期应为实际审批的日期；请审批人按实际日期重新审批。",
    ),
    "A512": Code(
        E,
        "“{by}”的审批“{step}”没有签名（本局要求每条审批都有签名）",
        "请审批人本人用自己的密钥运行 catalogue approve 重新审批。",
    ),
    "A513": Code(
        E,
        "“{by}”的审批“{step}”签名无效：{why}",
        "签名与审批记录（摘要、步骤、审批人、日期、公开范围、索引号）不一致，或已损坏；请审批人本人重新审批。运行 catalogue approve --check 查看说明。",
    ),
    "A514": Code(
        E,
        "“{by}”的审批“{step}”不是用 {by} 登记的密钥签名的（签名密钥 {key}）",
        "审批只能由本人用 catalog.yaml 中登记的密钥签名；请审批人本人重新审批。",
    ),
    "A515": Code(
        E,
        "“{by}”在受信任的 catalog.yaml（{source}）中没有登记签名公钥，无法核验审批“{step}”",
        "先单独提交并合并登记公钥的修改，再审批。",
    ),
    "A516": Code(
        E,
        "“{by}”的审批“{step}”所用密钥已被吊销（{key}）",
        "请审批人用新登记的密钥重新审批。",
    ),
    "A517": Code(
        E,
        "“{by}”的审批“{step}”所用旧密钥已于 {until} 停用，不能核验此后提交的内容",
        "请审批人用现在登记的密钥重新审批。",
    ),
    # Hardening (issue 8): untrusted files, confidentiality (细则第七条), internal errors.
    "Y006": Code(
        E,
        "“{key}”后面用了全角冒号“：”，YAML 不认识",
        "改为半角冒号（英文输入法下的“:”），冒号后空一格，如 summary: 内容。",
    ),
    "Y007": Code(
        E,
        "“{key}”的值以引号 {quote} 开头，但这一行没有对应的结束引号",
        "在值的末尾补上同样的引号，或删去开头的引号。",
    ),
    "Y008": Code(
        E,
        "“{key}”的值中有“冒号加空格”，YAML 会把它当成另一个键",
        '用引号括起整个值，如 title: "关于：某某的通知"；或把值中的冒号改为全角“：”。',
    ),
    "Y009": Code(
        E,
        "“{key}”的值以“{open}”开头，但这一行没有对应的“{close}”",
        "列表写成 [甲, 乙] 并在同一行闭合；如果值本身以方括号或花括号开头，用引号括起整个值。",
    ),
    "Y004": Code(
        E,
        "这一行用了制表符（Tab）缩进，YAML 只能用空格缩进",
        "把该行开头的 Tab 换成空格（通常两个空格一级）。",
    ),
    "Y005": Code(
        E,
        "前言中不能使用 YAML 锚点和别名（& 和 *）",
        "把被引用的内容直接写出来，删除 & 和 * 标记。",
    ),
    "F005": Code(
        E,
        "文件过大：{size}，条目文件最大 {limit}",
        "条目文件只写前言和正文；大的表格、图片等作为附件放在 files/ 文件夹中。",
    ),
    "F006": Code(
        E,
        "条目文件“{file}”是符号链接（快捷方式），为防止读取仓库以外的文件，不予处理",
        "用实际文件代替符号链接。",
    ),
    "F007": Code(
        E,
        "文件含有二进制内容（第 {offset} 字节为 NUL），不是文本文件",
        "确认没有把 Word、Excel、图片等文件改名为 .md；正文请用纯文本 Markdown 编写。",
    ),
    "F008": Code(E, "文件是空的（0 字节）", "写入前言和正文，或删除该文件。"),
    "F009": Code(
        E,
        "正文的列表或引用嵌套了 {depth} 层，最多 {limit} 层",
        "减少列表和引用（>）的嵌套层数；层次很多的内容请改用表格或附件。",
    ),
    "F010": Code(
        E,
        "正文这一段有 {count} 个“[”或“(”同时未闭合（嵌套或缺少“]”“)”），最多 {limit} 个",
        "补上缺少的“]”“)”，或把括号改为中文括号（）【】。",
    ),
    "F011": Code(
        W,
        "文件夹“{folder}”是符号链接（快捷方式），其中的条目不予处理，不会发布",
        "用实际文件夹代替符号链接；确实不需要发布的，删除该链接。",
    ),
    "F012": Code(
        W,
        "正文中的 <{tag}> 没有结束标签 </{tag}>：其后的正文都会被它吞掉，网页上不显示",
        "补上对应的结束标签（如 </style>），或删除这个标签；正文不需要 HTML 标签时请只用 Markdown。",
    ),
    "L406": Code(
        E,
        "附件“{file}”是符号链接（快捷方式），为防止发布仓库以外的文件，不予处理",
        "把实际文件复制到条目旁的 files/ 文件夹中。",
    ),
    "P701": Code(
        E,
        "{where}含居民身份证号码“{masked}”，属个人隐私，不得公开",
        "删除该号码或只保留前 6 位和后 4 位；确需公开的，经保密审查后在 exemptions 中写明 value 和 reason。",
    ),
    "P702": Code(
        E,
        "{where}含手机号码“{masked}”，属个人隐私，不得公开",
        "删除该号码或改为单位的办公电话；确需公开的，经保密审查后在 exemptions 中写明 value 和 reason。",
    ),
    "P703": Code(
        E,
        "{where}含银行卡号“{masked}”，属个人隐私，不得公开",
        "删除该卡号或只保留后 4 位；对公账户确需公开的，经保密审查后在 exemptions 中写明 value 和 reason。",
    ),
    "P704": Code(
        E,
        "{where}有密级标志“{masked}”：国家秘密不得公开，也不得在局域网上传输",
        "立即撤下该内容，按保密规定处理；若属误判（已解密等），经保密审查后在 exemptions 中写明 value 和 reason。",
    ),
    "P705": Code(
        W,
        "对内公开条目{where}含{kind}“{masked}”，请确认确需在局内公开",
        "如无必要，删除或打码；确需公开的，在 exemptions 中写明 value 和 reason。",
    ),
    "P706": Code(
        E,
        "附件“{file}”无法读取内容，未能完成保密检查：{detail}",
        "确认附件未损坏、未加密，用原软件另存为标准格式后重试。",
    ),
    "P707": Code(
        W,
        "附件“{file}”为 {suffix} 格式，无法自动进行保密检查，请人工核对",
        "尽量改用 PDF、XLSX、DOCX、CSV 或 TXT；人工确认其中没有个人隐私和涉密内容。",
    ),
    "P708": Code(
        W,
        "豁免项“{masked}”在条目中没有对应的内容",
        "删除这一项豁免（内容已修改），或核对 value 是否与检查报告的内容完全一致。",
    ),
    "P709": Code(
        E,
        "附件“{file}”为 {suffix} 格式，保密检查无法读取，且 catalog.yaml 未允许发布这种格式",
        "改用 PDF、XLSX、DOCX、CSV 或 TXT；确需发布这种格式的，人工核对后由管理员在 catalog.yaml 的 confidentiality.allowed_types 中加入该格式。",
    ),
    "P710": Code(
        E,
        "附件“{file}”为 {suffix} 格式（网页、矢量图、脚本一类），在网站上打开时会运行其中的脚本，不得作为附件发布，请改附 PDF",
        "请改附 PDF：用原软件“另存为”或“打印”为 PDF 后替换该附件。",
    ),
    # 依申请公开 register (content/internal/requests/YYYY.yaml) and the 政府信息公开工作年度报告
    # (条例第三十三、五十条; 国办公开办函〔2021〕30号), issue 24
    "G801": Code(
        E,
        "申请登记号“{number}”重复（第 {first} 行已使用）",
        "每件申请一个登记号，请改用下一个空闲的登记号。",
    ),
    "G802": Code(E, "答复日期 {replied} 早于收到申请日期 {received}", "核对两个日期。"),
    "G803": Code(E, "补正日期 {corrected} 早于收到申请日期 {received}", "核对两个日期。"),
    "G804": Code(
        E,
        "延期 {workdays} 个工作日，超过了最长 {limit} 个工作日（条例第三十三条）",
        "延长答复期限最长不超过 20 个工作日，请改正 extension 的 workdays。",
    ),
    "G805": Code(
        E,
        "延期批准日期 {approved} 不在收到申请之日至原答复期限 {deadline} 之间，延期无效",
        "延期须在原答复期限届满前经负责人同意并告知申请人；核对批准日期。",
    ),
    "G806": Code(E, "中止期间的结束日期 {end} 早于开始日期 {start}", "核对 from 和 to 两个日期。"),
    "G807": Code(
        E,
        "办理结果和答复日期应同时填写，{missing}未填写",
        "答复后同时填写 outcome（办理结果）和 replied（答复日期）；尚未答复的两项都不填。",
    ),
    "G808": Code(
        W,
        "依申请公开 {number} 应于 {due} 前答复，已逾期 {late} 天，尚未答复",
        "立即答复申请人；如确需延期，应在期限届满前经负责人同意并告知申请人。",
    ),
    "G809": Code(
        W,
        "依申请公开 {number} 于 {replied} 答复，超过答复期限 {due}，晚了 {late} 天",
        "已答复的无法补救；请核对日期是否如实，并在年度报告第五部分说明整改措施。",
    ),
    "G810": Code(
        E,
        "登记表“{file}”应以年份命名（如 2025.yaml），且只登记该年收到的申请；本件收到日期为 {received}",
        "把该申请移到收到年度的登记表中，或核对收到日期。",
    ),
    "G811": Code(
        E,
        "年度报告缺少第 {number} 个固定标题“{heading}”（标题须按 2021 年格式的顺序）",
        "按“一、总体情况”至“六、其他需要报告的事项”的顺序写齐六个二级标题（## 开头）。",
    ),
    "G812": Code(
        E,
        "年度报告缺少表{table}（{what}）",
        "用 catalogue annual-report 重新生成草稿，或按草稿中的表格补上该表。",
    ),
    "G813": Code(
        E,
        "表{table}“{row}”行“{column}”列未填写：没有发生请填 0，不适用请填“/”",
        "填写该单元格：0、“/”和空白含义不同，空白表示漏填。",
    ),
    "G814": Code(
        E,
        "表{table}“{row}”行“{column}”列的“{value}”不是数字、0 或“/”",
        "只填写数字（件数为整数）；不适用的填“/”。",
    ),
    "G815": Code(
        E,
        "表三“{column}”列：本年新收 {new} + 上年结转 {carried} = {left}，"
        "而办理结果总计 {total} + 结转下年度 {next} = {right}，两者应相等",
        "核对该列各项数字：每件申请要么已办结（计入办理结果），要么结转下年度。",
    ),
    "G816": Code(
        E,
        "表三“{row}”行：总计 {total} 不等于自然人和五类法人或其他组织之和 {sum}",
        "总计应等于同一行前六列之和，请核对。",
    ),
    "G817": Code(
        E,
        "表三“{column}”列：（七）总计 {total} 不等于（一）至（六）之和 {sum}",
        "核对办理结果各项和总计。",
    ),
    "G819": Code(
        E,
        "表四“{row}”：总计 {total} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {sum}",
        "核对该行各项数字。",
    ),
    "G820": Code(
        W,
        "{year}年政府信息公开工作年度报告应于 {due} 前公开，{state}",
        "尽快用 catalogue annual-report --year 年份 生成草稿，填写、审批后发布（条例第五十条）。",
    ),
    "G821": Code(
        E,
        "表{table}缺少“{row}”行",
        "按 2021 年格式补上该行；用 catalogue annual-report 生成的草稿包含全部行。",
    ),
    "G822": Code(
        E,
        "写了废止日期 repealed_on，但有效性不是“已废止”",
        "文件已废止的写 validity: repealed；未废止的删除 repealed_on。",
    ),
    "G823": Code(E, "废止日期 {repealed_on} 早于发布日期 {published}", "核对两个日期。"),
    "G824": Code(
        E,
        "占位符“{name}”未定义；可用：{choices}",
        "改用可用的占位符（写法如 {{ organisation.phone }}），或直接写出内容。",
    ),
    "G825": Code(
        E,
        "指南页面（page: {page}）只能是对外公开条目",
        "把该条目移到 content/external/ 下，或删除 page。",
    ),
    "G826": Code(
        E,
        "页面“{page}”已由 {other} 提供，同一页面只能有一个条目",
        "删除其中一个条目的 page，或把旧条目改为已废止后删除其 page。",
    ),
    "G827": Code(
        W,
        "正文中的占位符“{name}”只在指南页面（写有 page 的条目）中替换，这里会原样显示",
        "直接写出内容；或确认该条目应为指南页面后写上 page。",
    ),
    "G828": Code(
        E,
        "指南页面（page: {page}）不能带附件",
        "把附件作为单独的条目发布，在正文中链接该条目。",
    ),
    # Inspection rules (issue 24): what a finance bureau is inspected on.
    # 预决算公开 (预算法第十四条, 地方预决算公开操作规程)
    "G830": Code(
        E,
        "文件类型“{value}”未在 catalog.yaml 中定义；可选：{choices}",
        "改用已定义的文件类型；预决算文件类型在 catalog.yaml 的 budget_disclosure.doc_types 中定义。",
    ),
    "G831": Code(
        E,
        "{kind}缺少批准日期 approved_on（{by}的日期）",
        "写明 approved_on，如 approved_on: 2025-01-10；公开时限从这一天算起。",
    ),
    "G832": Code(
        E,
        "{kind}属长期公开的预决算信息，不能写公示截止日期 expires",
        "删除 expires：预决算信息公开后长期保留在网站上。",
    ),
    "G833": Code(
        E,
        "{kind}缺少{what}“{name}”",
        "在 tables 中列出该表（name，所在附件写 file）；确无数据的写 empty: true 和 empty_note 说明原因。",
    ),
    "G834": Code(
        E,
        "空表“{name}”没有说明原因（empty_note）",
        "在该表下写 empty_note，说明没有数据的原因，如“本部门无政府性基金预算收入，也没有使用政府性基金预算安排的支出”。",
    ),
    "G835": Code(
        E,
        "{kind}的正文缺少“{name}”的说明（正文中应有含“{name}”的标题）",
        "在正文中增加一节，标题含所缺说明的名称，说明有关情况。",
    ),
    "G836": Code(
        E,
        "{kind}应在{approved_by}批准后 {limit}（{deadline} 前）公开，计划发布日期 {published} 已超期",
        "把 published 改为期限当天或更早，尽快完成审批和发布。",
    ),
    "G837": Code(
        W,
        "{kind}应在{approved_by}批准后 {limit}（{deadline} 前）公开，实际 {published} 发布，晚了 {late} 天",
        "已发布的日期不要改动；以后在批准后按时公开。",
    ),
    "G838": Code(
        E,
        "表“{name}”所在的附件“{file}”未列入 attachments",
        "把该附件加入 attachments，或改正 file。",
    ),
    "G839": Code(
        E,
        "发布日期 {published} 早于批准日期 {approved}：预决算须经批准后公开",
        "核对 approved_on 和 published。",
    ),
    # 政府网站与政务新媒体检查指标 (国办秘函〔2019〕19号)
    "G840": Code(
        W,
        "首页最新信息发布于 {newest}，已 {days} 天没有更新（检查指标：超过 {limit} 天即“首页不更新”）",
        "发布新的公开信息，保持首页每两周至少更新一次。",
    ),
    "G841": Code(
        W,
        "{kind}栏目“{name}”{since}，超过 {limit}未更新",
        "在该栏目发布新的信息；栏目性质变化的，在 catalog.yaml 中调整其 update_kind。",
    ),
    "G842": Code(
        W,
        "空白栏目 {count} 个（{names}），达到 {limit} 个即单项否决",
        "为空白栏目补充公开内容，或在 catalog.yaml 中合并、撤销不再使用的栏目。",
    ),
    "G843": Code(
        E,
        "页面“{page}”的链接“{link}”指向的文件不存在",
        "改正模板或正文中的这个链接；修改模板后重新生成检查。",
    ),
    "G844": Code(
        E,
        "页面“{page}”的链接“{link}”指向的位置“#{anchor}”在目标页面中不存在",
        "改正链接中 # 后的锚点，或在目标页面中补上该 id。",
    ),
    "G845": Code(
        W,
        "发布日期 {published} 早于该条目首次提交的日期 {added}（{commit}）：检查时视为伪造发稿日期",
        "发布日期应为实际在网站上公开的日期；确系从旧系统迁移的历史信息，由管理员在 catalog.yaml 的 website_indicators.backdating_from 中写明迁移完成的日期。",
    ),
    "X001": Code(
        E,
        "程序内部错误：{detail}",
        "这不是您的操作问题。请把本条信息和所执行的命令发给系统维护人员。",
    ),
}


@dataclass(frozen=True)
class Problem:
    """One finding, located at ``path:line``."""

    code: str
    path: str
    line: int
    message: str
    severity: Severity

    @classmethod
    def make(cls, code: str, path: str, line: int, **params: object) -> Problem:
        spec = CODES[code]
        params.setdefault("hint", "")  # a did-you-mean, where one is known
        return cls(code, path, line, spec.template.format(**params), spec.severity)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple[str, int, str]:
        return (self.path, self.line, self.code)


def errors(problems: list[Problem], strict: bool = False) -> list[Problem]:
    """The problems that fail a run; with ``strict`` every warning counts too."""
    return [p for p in problems if strict or p.is_error]
