"""What the Word import tells a teacher, in Vietnamese: one table, like problems.CATALOGUE.

These are not problems of an article (no article was written, or the note is about the
conversion itself), so they carry no code; the problems of a written article are the
checks' own lines (problems.CATALOGUE).
"""

from __future__ import annotations

SAVE_AS_DOCX = "mở tệp bằng Word (hoặc LibreOffice), chọn Tệp > Lưu thành > Word Document (.docx), rồi nhập tệp .docx đó"

# key -> (what is wrong, how to fix it)
REFUSALS: dict[str, tuple[str, str]] = {
    "password": ("tệp có mật khẩu, không đọc được nội dung",
                 "mở tệp bằng Word, chọn Tệp > Thông tin > Bảo vệ tài liệu > Mã hóa bằng mật khẩu, "
                 "xóa mật khẩu, lưu lại rồi nhập lại tệp"),
    "broken": ("tệp hỏng hoặc chưa tải lên hết ({detail})",
               "mở tệp trên máy xem có đọc được đầy đủ không, lưu lại thành .docx rồi tải lên lại tệp đó"),
    "not_word": ("không phải tệp Word ({detail})", SAVE_AS_DOCX),
    "needs_libreoffice": ("tệp {kind} cần LibreOffice để chuyển, máy này chưa cài LibreOffice",
                          SAVE_AS_DOCX + "; hoặc cài LibreOffice (apt-get install libreoffice-writer)"),
    "conversion_failed": ("LibreOffice không chuyển được tệp {kind} ({detail})", SAVE_AS_DOCX),
    "empty": ("tài liệu không có nội dung nào chuyển được thành bài viết",
              "kiểm tra lại tệp: bài viết cần có chữ (tiêu đề và nội dung)"),
    "missing": ("không tìm thấy tệp", "kiểm tra lại đường dẫn và tên tệp"),
    "unsupported": ("không phải tệp Word (.docx, .docm, .odt, .doc)", SAVE_AS_DOCX),
    "write_failed": ("không ghi được bài viết ({detail})", "kiểm tra quyền ghi và chỗ trống trên đĩa rồi chạy lại"),
}

# Notes on a written article that no check reports: key -> text
NOTES: dict[str, str] = {
    "title_from_properties": "tiêu đề lấy từ thuộc tính của tệp Word (không thấy tiêu đề trong bài): kiểm tra lại dòng title",
    "title_from_file_name": "tiêu đề lấy từ tên tệp (không thấy tiêu đề trong bài): sửa lại dòng title",
    "no_author": "chưa rõ tác giả: ghi họ tên người viết vào dòng author",
    "photo_unreadable": "ảnh thứ {number} trong tệp Word ({detail}) không chuyển được: chèn lại ảnh đó dạng JPEG hoặc PNG",
    "shared_caption": "ảnh {numbers} dùng chung một chú thích: nên viết chú thích riêng cho từng ảnh",
}


def refusal(key: str, **args) -> str:
    what, fix = REFUSALS[key]
    return f"{what.format(**args)} — {fix.format(**args)}"


def note(key: str, **args) -> str:
    return NOTES[key].format(**args)
