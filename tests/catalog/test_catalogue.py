from learnhub.extensions import db


def _titles(html):
    import re

    return re.findall(r"<strong>([^<]+)</strong></a>", html)


def test_search_in_chinese_and_english(client, make_course):
    make_course(
        "electric",
        title="电工安全作业基础",
        summary="停电、验电、挂接地线",
        tags="触电急救",
        search_text="电工安全作业基础 停电、验电、挂接地线 触电急救",
    )
    make_course(
        "electric-en",
        title="Electrical Safety Basics",
        summary="Lockout and tagout",
        search_text="electrical safety basics lockout and tagout",
        language="en",
    )
    make_course("welding", title="焊接安全与质量", search_text="焊接安全与质量")
    assert _titles(client.get("/courses/?q=验电").get_data(as_text=True)) == ["电工安全作业基础"]
    assert _titles(client.get("/courses/?q=LOCKOUT").get_data(as_text=True)) == ["Electrical Safety Basics"]
    assert _titles(client.get("/courses/?q=安全 焊接").get_data(as_text=True)) == ["焊接安全与质量"]
    assert _titles(client.get("/courses/?q=%25").get_data(as_text=True)) == []  # LIKE wildcards are literal
    assert client.get("/courses/?q=" + "长" * 500).status_code == 200


def test_filters_and_junk_filters(client, make_course):
    make_course("a", title="甲课程", category="safety", occupation="welder", target_level="level5")
    make_course("b", title="乙课程", category="digital", occupation="all", target_level="none")
    assert _titles(client.get("/courses/?category=digital").get_data(as_text=True)) == ["乙课程"]
    # "welder" also shows courses for every occupation.
    assert sorted(_titles(client.get("/courses/?occupation=welder").get_data(as_text=True))) == ["乙课程", "甲课程"]
    assert _titles(client.get("/courses/?occupation=electrician").get_data(as_text=True)) == ["乙课程"]
    for junk in ("?category=x%00", "?level=level99", "?page=-3", "?page=abc", "?occupation='--"):
        assert client.get("/courses/" + junk).status_code == 200


def test_for_you_means_my_trade_and_my_level_or_the_next(client, auth, make_user, make_course):
    make_user("worker1", occupation="welder", skill_level="level5")
    auth.login("worker1")
    make_course("mine", title="焊工五级", occupation="welder", target_level="level5")
    make_course("next", title="焊工四级", occupation="welder", target_level="level4")
    make_course("far", title="焊工技师", occupation="welder", target_level="level2")
    make_course("other", title="电工五级", occupation="electrician", target_level="level5")
    make_course("all", title="劳动法", occupation="all", target_level="none")
    titles = _titles(client.get("/courses/?for_you=y").get_data(as_text=True))
    # My own trade first, then the courses for everyone.
    assert sorted(titles[:2]) == ["焊工五级", "焊工四级"] and titles[2:] == ["劳动法"]
    home = client.get("/").get_data(as_text=True)
    assert "焊工五级" in home and "焊工技师" not in home


def test_catalogue_is_paged(client, make_course):
    for i in range(45):
        make_course(f"c{i:02d}", title=f"课程{i:02d}")
    first = _titles(client.get("/courses/").get_data(as_text=True))
    third = _titles(client.get("/courses/?page=3").get_data(as_text=True))
    assert len(first) == 20 and len(third) == 5 and not set(first) & set(third)
    assert "45" in client.get("/courses/").get_data(as_text=True)


def test_anonymous_visitors_see_published_courses_for_everyone(client, make_course, tree):
    make_course("open", title="公开课")
    make_course("union-only", title="本会专属", audience_org_id=tree.prov_a.id)
    make_course("draft", title="草稿课", status="draft")
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["公开课"]
    assert client.get("/courses/open").status_code == 200
    assert client.get("/courses/union-only").status_code == 404
    assert db.session.scalar(db.select(db.func.count()).select_from(db.metadata.tables["course"])) == 3


def test_what_workers_call_their_trade_finds_its_courses(client, make_course):
    make_course("weld-q", title="焊接质量控制", occupation="welder", search_text="焊接质量控制")
    make_course("lathe", title="车床操作", occupation="lathe_operator", search_text="车床操作")
    for name in ("电焊工", "焊工", "welder", "Welder"):
        assert _titles(client.get(f"/courses/?q={name}").get_data(as_text=True)) == ["焊接质量控制"], name


def test_for_you_keeps_the_courses_below_my_level(client, auth, make_user, make_course):
    make_user("senior-electrician", occupation="electrician", skill_level="level3")
    auth.login("senior-electrician")
    make_course("basics", title="电工安全作业基础", occupation="electrician", target_level="level5")
    make_course("above", title="电工技师", occupation="electrician", target_level="level2")
    make_course("far-above", title="高级技师", occupation="electrician", target_level="level1")
    titles = _titles(client.get("/courses/?for_you=y").get_data(as_text=True))
    assert sorted(titles) == ["电工安全作业基础", "电工技师"]


def test_the_chinese_catalogue_lists_chinese_courses_first(client, make_course):
    make_course("aaa-en", title="A course in English", language="en")
    make_course("zh", title="中文课程")
    assert _titles(client.get("/courses/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)) == [
        "中文课程",
        "A course in English",
    ]
    assert _titles(client.get("/courses/", headers={"Accept-Language": "en"}).get_data(as_text=True)) == [
        "A course in English",
        "中文课程",
    ]


def test_bulk_onboarding_and_search_share_the_trades_everyday_names():
    from learnhub.core.vocab import find_occupation

    assert [find_occupation(n) for n in ("电焊工", "行车工", "化工总控工", "叉车司机", "宇航员")] == [
        "welder",
        "crane_operator",
        "chemical_operator",
        "forklift_driver",
        None,
    ]


def test_the_cached_results_follow_every_change_to_a_course(client, make_course):
    """The catalogue's results are kept between requests (core/cache.py), never past a change."""
    course = make_course("first", title="第一门课")
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["第一门课"]
    make_course("second", title="第二门课", status="draft")
    db.session.commit()
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["第一门课"]
    db.session.execute(db.update(db.metadata.tables["course"]).values(status="published"))
    course.title = "第一门课（修订）"
    db.session.commit()
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["第一门课（修订）", "第二门课"]
    course.status = "archived"  # withdrawn
    db.session.commit()
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["第二门课"]


def test_cached_results_are_not_shared_across_unions_or_languages(client, auth, make_user, make_course, tree):
    make_course("open", title="公开课")
    make_course("members", title="本会专属", audience_org_id=tree.ent_a1.id)
    make_user("inside")  # in tree.ent_a1
    make_user("outside", org=tree.prov_b)
    db.session.commit()
    auth.login("inside")
    assert sorted(_titles(client.get("/courses/").get_data(as_text=True))) == ["公开课", "本会专属"]
    auth.logout()
    auth.login("outside")
    assert _titles(client.get("/courses/").get_data(as_text=True)) == ["公开课"]
    assert "1 course." in client.get("/courses/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "共1门课程。" in client.get("/courses/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_the_kept_search_form_shows_each_search_its_own_words_choices_and_language(client, auth, make_user):
    first = client.get("/courses/?q=验电&category=safety").get_data(as_text=True)
    assert 'value="验电"' in first and '<option value="safety" selected>' in first and "全部类别" in first
    again = client.get("/courses/?q=焊接").get_data(as_text=True)
    assert 'value="焊接"' in again and 'value="验电"' not in again and '<option value="safety" selected>' not in again
    english = client.get("/courses/?q=焊接", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "All categories" in english and "全部类别" not in english
    assert 'name="for_you"' not in again  # "for you" is for someone signed in
    make_user("worker1")
    auth.login("worker1")
    assert 'name="for_you"' in client.get("/courses/?q=焊接").get_data(as_text=True)
