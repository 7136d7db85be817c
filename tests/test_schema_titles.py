"""Every table and field of the package has an English title beside its Chinese one."""

import re


def test_every_resource_and_field_has_an_english_title():
    from xxgk.package.schema import resource_text, schemas, title_en

    cjk = re.compile(r"[\u4e00-\u9fff]")
    for name, schema in schemas().items():
        assert title_en(name) and not cjk.search(title_en(name)) and resource_text(name)[0]
        for field in schema["fields"]:
            # in English (a label of the codebook may quote the printed Chinese term in brackets)
            assert re.search("[A-Za-z]{2}", field["x_title_en"]) and not cjk.search(re.sub(r"\([^)]*\)", "", field["x_title_en"])), (name, field["name"])


def test_the_site_shows_the_english_title_on_an_english_page(package):
    from xxgk.site import strings
    from xxgk.site.published import Published

    pub = Published.load(package)
    before = strings.LANG
    try:
        strings.use("en")
        assert pub.title("reports", "status") == "Parse status" and pub.title("reports") == "Reports"
        strings.use("zh")
        assert pub.title("reports", "status") == "解析状态"
    finally:
        strings.use(before)
