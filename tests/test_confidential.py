"""The confidentiality check (细则第七条): ID numbers, mobiles, bank cards and 密级 markings
block external items wherever they hide, masked in every report; ordinary text does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CANARY, CANARY_MOBILE, Repo, line_of
from officefiles import write_docx, write_pdf, write_xlsx

from generator.catalogue import load_catalogue
from generator.checks.confidential import find, luhn, valid_id_number
from generator.cli import main
from generator.site.intranet import register_rows

# Real-format test values (valid check digits), none belonging to anyone.
ID = "11010519491231002X"  # GB 11643's own example
ID_DIGIT = "330102198507150018"
MOBILE = "13812345678"
CARD = "6222021234567890128"  # 19 digits, passes Luhn
CARD16 = "4111111111111111"
USCC_DIGITS = "913301001234567251"  # an all-digit 统一社会信用代码 that passes Luhn too


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.masked) for f in find(text)]


def test_fixtures_are_what_they_claim() -> None:
    assert valid_id_number(ID) and valid_id_number(ID_DIGIT)
    assert luhn(CARD) and luhn(CARD16) and luhn(USCC_DIGITS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证号：{ID}", [("id", "110105********002X")]),
        (f"身份证号：{ID.lower()}", [("id", "110105********002X")]),
        (f"{ID_DIGIT}", [("id", "330102********0018")]),
        (
            "身份证号：３３０１０２１９８５０７１５００１８",
            [("id", "330102********0018")],
        ),  # full-width
        (f"手机{MOBILE}。", [("mobile", "138****5678")]),
        ("手机：138 1234 5678", [("mobile", "138****5678")]),
        ("手机：138-1234-5678", [("mobile", "138****5678")]),
        ("+86 138 1234 5678", [("mobile", "138****5678")]),
        ("张三,13812345678,男", [("mobile", "138****5678")]),
        (f"卡号 {CARD}", [("bank", "6222 **** **** 0128")]),
        ("卡号 6222 0212 3456 7890 128", [("bank", "6222 **** **** 0128")]),
        (f"Visa {CARD16}", [("bank", "4111 **** **** 1111")]),
        ("绝密★一年", [("classified", "绝密★一年")]),
        ("机密★", [("classified", "机密★")]),
        ("秘密 ★ 6个月", [("classified", "秘密 ★ 6个月")]),
        ("密级：机密", [("classified", "密级:机密")]),
        ("**密级**：秘密", [("classified", "密级**:秘密")]),
        ("| 密级 | 机密 |", [("classified", "密级 | 机密")]),
        ("绝密", [("classified", "绝密")]),
        ("## **机密**", [("classified", "机密")]),
    ],
)
def test_sensitive_values_are_found_and_masked(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "干部职工应当保守秘密，严守纪律。",  # 秘密 in a sentence
        "涉及国家秘密、商业秘密、个人隐私以及法律法规禁止公开的信息，不予公开。",
        "| 不予公开（涉及商业秘密） | 1 |",
        "密级为秘密的文件按保密规定管理。",
        "机密文件管理办法另行制定。",
        "索引号：11330109002468135T/2025-00021",
        f"统一社会信用代码：{USCC_DIGITS}",
        "统一社会信用代码：91330106MA27XK1234",
        "330102199002301234",  # 2月30日: not a birth date
        "330102198507150013",  # wrong check digit
        "990102198507150018",  # no such province
        "联系电话：0571-8765 4321，传真 0571-87654300",  # landlines
        "服务热线 400-123-4567，12345 政务服务热线",
        "一般公共预算收入13,812,345,678元",  # amount with separators
        "合计 13812345678.50 元",  # amount with decimals
        "文号 1381234567890",  # a longer digit run
        "2024-07-10、20240710、2024年7月10日",
        "4111111111111112",  # fails Luhn
        "金额 1,234,567,890,123,456.00",
        "上半年完成 52.3%，同比增长 13.8%。",
    ],
)
def test_ordinary_text_is_not_flagged(text: str) -> None:
    assert find(text) == []


# ------------------------------------------------------------------ through validate


def problems_of(repo: Repo, path: Path) -> list[tuple[str, int, str]]:
    rel = path.relative_to(repo.root).as_posix()
    return [(p.code, p.line, p.message) for p in repo.load().problems if p.path == rel]


def p_codes(repo: Repo, path: Path) -> list[tuple[str, int]]:
    return [(c, line) for c, line, _ in problems_of(repo, path) if c.startswith("P")]


def test_id_number_in_body_is_an_error_at_its_line(repo: Repo) -> None:
    path = repo.add_item(body=f"## 名单\n\n张三，身份证号{ID}。\n")
    found = problems_of(repo, path)
    p701 = [f for f in found if f[0] == "P701"]
    assert [(c, line) for c, line, _ in p701] == [("P701", line_of(path, "张三"))]
    assert "110105********002X" in p701[0][2] and ID not in p701[0][2]
    assert "正文" in p701[0][2]


def test_front_matter_values_are_checked_at_their_lines(repo: Repo) -> None:
    path = repo.add_item(
        summary=f"联系人手机{MOBILE}",
        keywords=["预算", "密级：机密"],
        changes=[{"date": "2024-07-21", "note": f"更正卡号{CARD}"}],
    )
    assert sorted(p_codes(repo, path)) == sorted(
        [
            ("P702", line_of(path, "summary:")),
            ("P704", line_of(path, "keywords:")),
            ("P703", line_of(path, "changes:")),
        ]
    )


def test_csv_and_txt_attachments_name_the_line(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "a.csv").write_text(
        f"姓名,电话\n张三,0571-87654321\n李四,{MOBILE}\n", encoding="utf-8"
    )
    (folder / "b.txt").write_bytes(f"说明\n\n卡号{CARD}\n".encode("gbk"))  # Excel's GBK
    path = repo.add_item(
        attachments=[
            {"path": "files/a.csv", "title": "表"},
            {"path": "files/b.txt", "title": "说明"},
        ]
    )
    found = [(c, m) for c, _, m in problems_of(repo, path) if c.startswith("P")]
    assert (
        "P702",
        "附件“files/a.csv”第 3 行含手机号码“138****5678”，属个人隐私，不得公开",
    ) in found
    assert (
        "P703",
        "附件“files/b.txt”第 3 行含银行卡号“6222 **** **** 0128”，属个人隐私，不得公开",
    ) in found
    assert {line for c, line in p_codes(repo, path)} == {line_of(path, "attachments:")}


def test_xlsx_cells_including_hidden_sheets(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    write_xlsx(
        folder / "t.xlsx",
        {
            "Sheet1": {
                "A1": "预算执行情况表",
                "B3": (13812345678.0, "#,##0.00"),  # an amount in yuan, formatted as one
                "C7": ID,
            },
            "名单": {"B2": MOBILE},  # a phone typed into Excel is stored as a number
        },
        hidden=("名单",),
    )
    path = repo.add_item(attachments=[{"path": "files/t.xlsx", "title": "表"}])
    messages = [m for c, _, m in problems_of(repo, path) if c.startswith("P")]
    assert len(messages) == 2, messages
    assert any("Sheet1!C7" in m and "110105********002X" in m for m in messages)
    assert any("名单!B2" in m and "138****5678" in m for m in messages)


def test_pdf_pages_and_docx_paragraphs(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    write_pdf(folder / "r.pdf", [["Report"], ["预算执行情况", "绝密★一年"]])
    write_docx(folder / "n.docx", ["通知", f"经办人电话{MOBILE}"], header=["机密★"], deleted=ID)
    path = repo.add_item(
        attachments=[
            {"path": "files/r.pdf", "title": "报告"},
            {"path": "files/n.docx", "title": "通知"},
        ]
    )
    messages = sorted(m for c, _, m in problems_of(repo, path) if c.startswith("P"))
    assert any("files/r.pdf”第 2 页" in m and "绝密★一年" in m for m in messages), messages
    assert any("files/n.docx”第 2 段" in m and "138****5678" in m for m in messages)
    assert any("files/n.docx”页眉第 1 段" in m and "机密★" in m for m in messages)
    assert any("files/n.docx”第 3 段" in m and "110105********002X" in m for m in messages)


def test_unreadable_and_unscannable_attachments(repo: Repo) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "bad.xlsx").write_bytes(b"this is not a spreadsheet")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4 truncated")
    (folder / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0 old Word")
    repo.add_item(
        attachments=[
            {"path": "files/bad.xlsx", "title": "表"},
            {"path": "files/bad.pdf", "title": "报告"},
            {"path": "files/old.doc", "title": "旧格式"},
        ]
    )
    catalogue = repo.load()
    mine = [p for p in catalogue.problems if p.code.startswith("P")]
    assert [(p.code, p.is_error) for p in mine] == [("P706", True), ("P706", True), ("P707", False)]
    assert "files/bad.xlsx" in mine[0].message and ".doc" in mine[2].message


def test_internal_items_warn_on_personal_data_but_refuse_classified(repo: Repo) -> None:
    repo.write_item(
        "content/internal/staff-affairs/contacts.md",
        body=f"## 联系人\n\n王五 {MOBILE}\n\n密级：秘密\n",
        category="staff-affairs",
        owner="personnel",
        drafted_by="胡斌",
    )
    found = {(p.code, p.is_error) for p in repo.load().problems if p.code.startswith("P")}
    assert found == {("P705", False), ("P704", True)}


def test_allow_list_in_catalog_yaml(repo: Repo) -> None:
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    assert "confidentiality:" in text and "0571-8765 4399" in text  # documented in the sample
    catalog.write_text(
        text.replace("    - 0571-8765 4399", "    - 138-1234-5678\n    - 0571-8765 4399", 1),
        encoding="utf-8",
    )
    path = repo.add_item(body=f"## 举报\n\n举报电话 {MOBILE}（24小时）。\n")
    assert p_codes(repo, path) == []


def test_exemption_clears_a_hit_shows_masked_in_the_register_and_is_signed(repo: Repo) -> None:
    reason = "本局财政专户账号，依法公开供缴款使用"
    path = repo.add_item(
        body=f"## 缴款账户\n\n账号 {CARD}\n",
        exemptions=[{"value": CARD, "reason": reason}],
    )
    catalogue = repo.load()
    assert [p for p in catalogue.problems if p.is_error] == []
    (row,) = register_rows(catalogue, shown=set())
    assert row.exemptions == [("6222 **** **** 0128", reason)]
    # The exemption is front matter: changing it after approval invalidates the approvals.
    path.write_text(path.read_text(encoding="utf-8").replace(reason, "随便写的"), encoding="utf-8")
    assert "A507" in {c for c, _ in repo.codes(path)}


def test_stale_exemption_is_a_warning(repo: Repo) -> None:
    path = repo.add_item(exemptions=[{"value": MOBILE, "reason": "已删除的号码"}])
    found = [(p.code, p.line, p.message) for p in repo.load().problems if p.code == "P708"]
    line = line_of(path, "exemptions:")
    assert found == [("P708", line, "豁免项“138****5678”在条目中没有对应的内容")]
    assert not repo.load().failed()  # a warning: the item may still be published


def test_cli_output_never_contains_the_full_value(repo: Repo) -> None:
    repo.add_item(body=f"## 名单\n\n{ID} {MOBILE} {CARD}\n")
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    output = result.stdout + result.stderr
    assert result.exit_code == 1
    for value in (ID, MOBILE, CARD, "5678901"):
        assert value not in output
    for masked in ("110105********002X", "138****5678", "6222 **** **** 0128"):
        assert masked in output


def test_the_sample_catalogue_is_clean(sample: Path) -> None:
    catalogue = load_catalogue(sample)
    assert [p for p in catalogue.problems if p.code.startswith("P")] == []
    scanned = [
        f
        for i in catalogue.items
        for f in i.attachment_files.values()
        if f and f.suffix in (".xlsx", ".pdf")
    ]
    assert len(scanned) >= 4  # the sample's spreadsheets and PDFs were read, not skipped


def test_built_register_shows_the_planted_exemption_masked(built_sample: Path) -> None:
    register = (built_sample / "build/intranet/register.html").read_text(encoding="utf-8")
    assert f"{CANARY}豁免理由" in register
    assert "139****9999" in register and CANARY_MOBILE not in register
