"""The unit file's keys of contract section 4 and the province's of section 3, as read."""

from __future__ import annotations

import unit_registry
from factory import Province

SCHOOL = """\
id: thcs-a
name: Trường THCS A
kind: truong
parent: phong-gddt-a
url: https://thcs-a.example.edu.vn/
email: thcsa@example.edu.vn
address: Xã Tân Hồng, tỉnh Thử Nghiệm
phone: "0277 3 812 345"
logo: /images/logo.png
approvers:
  - name: Nguyễn Văn  Hiệu
    title: Hiệu trưởng
    account: nvhieu
  - name: Lê Thị Phó
    title: Phó Hiệu trưởng
editors: ["@doanthitam", "lethihoa", "@doanthitam"]
leaders:
  - {name: Nguyễn Văn Hiệu, title: Hiệu trưởng, phone: "0912 345 678", email: hieu@example.edu.vn, duties: Phụ trách chung}
  - name: Lê Thị Phó
    title: Phó Hiệu trưởng
"""

PROVINCE = """\
name: Sở Giáo dục và Đào tạo tỉnh Thử Nghiệm
timezone: Asia/Ho_Chi_Minh
quota_start: 2022-09-05
reviewers: ["@vanphong-so", "so-gddt/van-phong"]
git_host: {kind: gitlab, repo: so-gddt/cong-thong-tin, url: "https://git.example.edu.vn/"}
"""


def test_unit_fields_are_read_and_normalised(tmp_path):
    province = Province(tmp_path / "repo")
    province.write("units/thcs-a.yml", SCHOOL)
    province.write("units/_province.yml", PROVINCE)
    registry = unit_registry.load(province.root)
    assert registry.problems == []
    unit = registry.units["thcs-a"]
    assert unit.url == "https://thcs-a.example.edu.vn"
    assert unit.address == "Xã Tân Hồng, tỉnh Thử Nghiệm"
    assert unit.phone == "0277 3 812 345"
    assert unit.logo == "images/logo.png"
    assert [(a.name, a.account) for a in unit.approvers] == [("Nguyễn Văn Hiệu", "@nvhieu"), ("Lê Thị Phó", "")]
    assert unit.editors == ("@doanthitam", "@lethihoa")
    assert unit.leaders[0] == unit_registry.Leader("Nguyễn Văn Hiệu", "Hiệu trưởng", "0912 345 678",
                                                   "hieu@example.edu.vn", "Phụ trách chung")
    assert unit.leaders[1].title == "Phó Hiệu trưởng"
    assert unit.phones() == ("0277 3 812 345", "0912 345 678")
    assert registry.province.reviewers == ("@vanphong-so", "@so-gddt/van-phong")
    assert registry.province.git_host == unit_registry.GitHost(
        "gitlab", "so-gddt/cong-thong-tin", "main", "https://git.example.edu.vn")


def test_bad_display_fields_are_reported_and_the_unit_stays(tmp_path):
    province = Province(tmp_path / "repo")
    province.write("units/thcs-a.yml", SCHOOL.replace('phone: "0277 3 812 345"', "phone: 2773812345")
                   .replace("logo: /images/logo.png", "logo: ../so/images/logo.png")
                   .replace("  - name: Lê Thị Phó\n    title: Phó Hiệu trưởng\n", "  - Lê Thị Phó\n")
                   .replace("  - name: Lê Thị Phó\n    title: Phó Hiệu trưởng\n", "  - Lê Thị Phó\n"))
    province.write("units/_province.yml", PROVINCE.replace("kind: gitlab", "kind: bitbucket"))
    registry = unit_registry.load(province.root)
    found = {(p.path, p.line, p.code) for p in registry.problems}
    assert ("units/thcs-a.yml", 8, "E410") in found       # phone as a bare number
    assert ("units/thcs-a.yml", 9, "E410") in found       # logo outside the folder
    assert ("units/thcs-a.yml", 18, "E410") in found      # a leader that is not a mapping
    assert ("units/_province.yml", 5, "E411") in found    # git host kind
    unit = registry.units["thcs-a"]
    assert unit.phone == "" and unit.logo == "" and len(unit.leaders) == 1
    assert registry.province.git_host is None
