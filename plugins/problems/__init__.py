"""Problems found in content and units, and the one catalogue of their messages.

Every check reports a :class:`Problem`; the text a teacher reads comes from
:data:`CATALOGUE` only, so a code means the same thing everywhere (build,
``make check``, the documentation in ``docs/ma-loi.md``).
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

# code -> (what is wrong, how to fix it).  Placeholders are filled from the
# problem's ``args``; the fix hint is appended after " — ".
CATALOGUE: dict[str, tuple[str, str]] = {
    # E1xx: front matter
    "E100": ("phần thông tin đầu bài (front matter) không đọc được: {detail}",
             "mở đầu tệp bằng một dòng '---', viết mỗi thông tin dạng 'khóa: giá trị', rồi đóng bằng một dòng '---'"),
    "E101": ("khóa \"{key}\" không được phép trong phần thông tin đầu bài",
             "xóa dòng này; các khóa được dùng: {allowed}"),
    "E102": ("thiếu tiêu đề (title)",
             "thêm một dòng 'title: Tiêu đề bài viết'"),
    "E103": ("thiếu ngày đăng (date)",
             "thêm một dòng 'date: 2024-11-20 08:30' (giờ địa phương)"),
    "E104": ("ngày \"{value}\" không đúng dạng",
             "{hint}"),
    "E105": ("đường dẫn (slug) \"{slug}\" trùng với bài {other} của cùng đơn vị",
             "đổi tiêu đề hoặc thêm dòng 'slug: ten-khac' cho một trong hai bài"),
    "E106": ("giá trị của \"{key}\" không hợp lệ: {detail}",
             "{hint}"),
    "E107": ("đường dẫn (slug) \"{value}\" không hợp lệ",
             "chỉ dùng chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ: hoi-thi-gvdg-2024"),
    "E108": ("thư mục \"{unit}\" {detail}",
             "đặt bài vào thư mục content/<mã-đơn-vị>/ của đơn vị mình; nếu đã đúng thư mục, "
             "nhờ Văn phòng Sở thêm hoặc sửa tệp units/<mã-đơn-vị>.yml"),
    "E109": ("khóa \"{key}\" xuất hiện hai lần (lần đầu ở dòng {first})",
             "giữ một dòng và xóa dòng còn lại"),
    "E110": ("bài viết để trống, chưa có nội dung",
             "viết nội dung bài bên dưới dòng '---' thứ hai"),
    "E111": ("bài đề ngày {day}, sau ngày {retired} là ngày đơn vị {unit} ngừng hoạt động",
             "đơn vị đã ngừng hoạt động nên không đăng bài mới: đăng bài ở thư mục của đơn vị đang phụ trách "
             "(content/<mã-đơn-vị>/), hoặc sửa 'date' nếu ghi nhầm ngày"),
    "E118": ("tệp \"{name}\" là bài viết nhưng tên không kết thúc bằng .md nên không được đăng",
             "đổi tên tệp thành \"{fixed}\" (trên Windows: bật View > File name extensions để thấy đuôi .txt)"),
    "E119": ("tệp \"{name}\" không phải bài viết (.md), ảnh hay tệp đính kèm của văn bản nên không được dùng",
             "{hint}"),
    # E120-E129: documents (văn bản, contract section 12; plugins/documents)
    "E120": ("văn bản thiếu loại văn bản (doc_type)",
             "thêm dòng 'doc_type: Công văn' (hoặc Kế hoạch, Quyết định, Thông báo, Báo cáo, Hướng dẫn, Công khai...) "
             "đúng loại in ở đầu văn bản"),
    "E121": ("loại văn bản \"{value}\" không có trong danh mục",
             "{suggestion}ghi doc_type là một loại văn bản theo NĐ 30/2020/NĐ-CP: {allowed} "
             "(danh mục đầy đủ trong docs/van-ban.md)"),
    "E122": ("văn bản thiếu số, ký hiệu (number)",
             "thêm dòng 'number: 1652/SGDĐT-VP' ghi đúng số, ký hiệu in trên văn bản"),
    "E123": ("văn bản thiếu cơ quan ban hành (issuer)",
             "thêm dòng 'issuer: <tên cơ quan ban hành>', ví dụ: issuer: Sở Giáo dục và Đào tạo tỉnh Mẫu"),
    "E124": ("văn bản thiếu ngày ban hành (issued_on)",
             "thêm dòng 'issued_on: 2024-10-19' (ngày ký in trên văn bản, viết năm-tháng-ngày)"),
    "E125": ("{what} \"{value}\" ({key}) không đúng dạng",
             "{hint}"),
    "E126": ("{later} ({later_key}: {later_day}) trước {earlier} ({earlier_key}: {earlier_day})",
             "sửa lại đúng ngày in trên văn bản: văn bản có hiệu lực từ ngày ban hành trở đi, "
             "hết hiệu lực sau ngày có hiệu lực; ngày nào không có thì xóa dòng đó"),
    "E127": ("văn bản chưa có tệp đính kèm (file)",
             "chép tệp PDF (hoặc Word, Excel) của văn bản vào thư mục content/{unit}/van-ban/{year}/ rồi thêm "
             "dòng 'file: /van-ban/{year}/ten-tep.pdf'"),
    "E128": ("không tìm thấy tệp đính kèm \"{src}\"",
             "{suggestion}kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) và chép tệp vào thư mục "
             "content/{unit}/van-ban/"),
    "E129": ("tệp đính kèm \"{src}\" không dùng được: {detail}",
             "{hint}"),
    # E2xx: images and captions
    "E201": ("ảnh \"{src}\" thiếu chú thích",
             "{hint}"),
    "E202": ("chú thích ảnh \"{src}\" quá ngắn (\"{caption}\")",
             "chú thích cần ít nhất 3 từ, nói rõ ai, làm gì, ở đâu"),
    "E203": ("chú thích ảnh \"{src}\" chỉ là tên tệp",
             "thay bằng một câu mô tả nội dung ảnh, ví dụ: \"Học sinh lớp 5A trồng cây tại sân trường\""),
    "E204": ("không tìm thấy tệp ảnh \"{src}\"",
             "{suggestion}kiểm tra tên tệp (phân biệt chữ hoa, chữ thường) và tải ảnh vào thư mục content/{unit}/images/"),
    "E205": ("tệp \"{src}\" không phải là ảnh đọc được ({detail})",
             "xuất lại ảnh dạng JPEG hoặc PNG rồi tải lên thay tệp này"),
    "E206": ("có chú thích ảnh đại diện (image_caption) nhưng không có ảnh (image)",
             "thêm dòng 'image: /images/...' hoặc xóa dòng image_caption"),
    "E207": ("tệp ảnh \"{src}\" bị hỏng hoặc chưa tải lên hết ({detail})",
             "mở ảnh trên máy xem có hiện đầy đủ không, rồi tải lại tệp ảnh gốc lên thay tệp này"),
    "E208": ("ảnh \"{src}\" quá nhiều điểm ảnh ({width}×{height}, khoảng {megapixels} triệu; tối đa {max_megapixels} triệu)",
             "thu nhỏ ảnh (ví dụ chiều rộng 4000 điểm ảnh) rồi tải lên lại"),
    "E209": ("ảnh \"{src}\" ở định dạng {format}, trang web chưa dùng được",
             "xuất lại ảnh dạng JPEG rồi tải lên tệp .jpg: trên iPhone mở ảnh, bấm Chia sẻ > Lưu vào Tệp > Tùy chọn > chọn JPEG "
             "(hoặc Cài đặt > Camera > Định dạng > Tương thích nhất để máy chụp JPEG từ nay)"),
    "E210": ("ảnh \"{src}\" là một tệp trên máy tính của người viết, trang web không lấy được",
             "chép ảnh vào thư mục content/{unit}/images/ của kho (ví dụ đặt tên {name}) rồi ghi đường dẫn /images/{name}"),
    "E211": ("tên tệp ảnh \"{name}\" có dấu cách nên dòng ảnh \"{src}\" không đọc được",
             "đổi tên tệp ảnh thành \"{safe}\" (không dấu cách) rồi ghi đường dẫn {fixed}"),
    # E3xx: approval
    "E301": ("bài chưa có người duyệt (approved_by)",
             "thêm dòng 'approved_by: <họ tên lãnh đạo đơn vị>' sau khi lãnh đạo đã đọc và đồng ý đăng"),
    "E302": ("\"{name}\" không phải người duyệt bài của đơn vị {unit}",
             "{suggestion}ghi đúng họ tên một người duyệt: {approvers}"),
    "E303": ("ngày duyệt \"{value}\" không đúng dạng",
             "{hint}"),
    # E4xx: unit registry
    "E400": ("tệp đơn vị không đọc được: {detail}",
             "sửa cú pháp YAML (mỗi dòng 'khóa: giá trị', thụt lề bằng dấu cách)"),
    "E401": ("loại đơn vị \"{value}\" không có",
             "dùng một trong: {allowed}"),
    "E402": ("đơn vị thiếu đơn vị cấp trên (parent)",
             "thêm dòng 'parent: <mã đơn vị cấp trên>'"),
    "E403": ("đơn vị cấp trên \"{value}\" không có trong units/",
             "ghi đúng mã một đơn vị có tệp units/<mã>.yml"),
    "E404": ("quan hệ cấp trên bị vòng lặp: {cycle}",
             "sửa 'parent' để mỗi đơn vị dẫn về Sở"),
    "E405": ("mã đơn vị (id) \"{value}\" {detail}",
             "đặt 'id' giống tên tệp ({expected}), chỉ gồm chữ thường không dấu, số và dấu gạch ngang"),
    "E406": ("đơn vị chưa có người duyệt bài (approvers)",
             "thêm danh sách 'approvers:' với ít nhất một người có 'name' và 'title'"),
    "E407": ("mã đơn vị \"{value}\" trùng với một đường dẫn của cổng thông tin",
             "chọn mã khác; các tên dành riêng: {reserved}"),
    "E408": ("khóa \"{key}\" không dùng trong tệp này",
             "xóa dòng này; các khóa được dùng: {allowed}"),
    "E409": ("ngày \"{value}\" của \"{key}\" không đúng dạng",
             "{hint}"),
    "E410": ("thiếu hoặc sai giá trị \"{key}\": {detail}",
             "{hint}"),
    "E411": ("cài đặt của tỉnh không hợp lệ: {detail}",
             "{hint}"),
    "E412": ("đơn vị loại 'so' phải là duy nhất và có mã 'so'",
             "đổi loại (kind) của đơn vị này hoặc đặt mã là 'so'"),
    "E413": ("chu kỳ \"{value}\" không có",
             "dùng một trong: {allowed}"),
    "E414": ("số bài \"{value}\" không hợp lệ",
             "ghi một số nguyên từ 1 trở lên"),
    "E415": ("lịch trực \"{rota}\" có đơn vị \"{value}\" không có trong units/",
             "ghi đúng mã đơn vị trong 'order'"),
    "E416": ("kỳ bắt đầu \"{value}\" không đúng dạng kỳ {every}",
             "viết như: {example}"),
    "E417": ("kênh \"{value}\" không có",
             "dùng 'own' (mọi bài) hoặc 'so' (chỉ bài gửi về Sở)"),
    "E418": ("tệp {path} không khớp với units/ ({detail})",
             "chạy make codeowners rồi commit tệp {path} cùng thay đổi của units/ (đừng sửa tay tệp này)"),
    "E419": ("địa chỉ trang \"{value}\" không phải địa chỉ https:// hợp lệ; trang của đơn vị được đăng theo địa chỉ chung của Sở",
             "viết đầy đủ, ví dụ: url: https://thcsnguyendu.edu.vn (bắt đầu bằng https://, không có dấu cách); "
             "nếu đơn vị chưa có tên miền riêng, xóa dòng này"),
    "E420": ("địa chỉ trang \"{value}\" trùng với đơn vị {other}; trang của đơn vị được đăng theo địa chỉ chung của Sở",
             "mỗi đơn vị một tên miền riêng: sửa 'url' của một trong hai đơn vị, hoặc xóa dòng đó"),
    "E421": ("tài khoản \"{value}\" không đúng dạng tài khoản trên máy chủ git",
             "ghi tên đăng nhập trên GitHub/GitLab/Forgejo trong ngoặc kép, ví dụ: \"@nvdtien\""),
    "E426": ("địa chỉ công khai của cổng (biến môi trường SITEURL) \"{value}\" thiếu hoặc không phải địa chỉ https:// "
             "nên không xuất bản được (tin RSS, liên kết chia sẻ sẽ trỏ sai chỗ)",
             "đặt SITEURL là địa chỉ của cổng Sở, ví dụ: make html PUBLISH=1 SITEURL=https://sogddt.example.edu.vn "
             "(trên CI: biến SITEURL trong phần Variables/Secrets của kho)"),
    # E43x: the web editor on this machine (make editor)
    "E430": ("tệp chưa được commit: trình soạn bài (make editor) lưu bài bằng git add . nên tệp này sẽ bị gộp vào bài nháp",
             "commit tệp này trên nhánh {branch} (git add rồi git commit), cất đi (git stash -u) hoặc xóa nó, "
             "rồi chạy lại make editor; tệp do máy sinh ra thì thêm vào .gitignore"),
    # E5xx: safety
    "E501": ("đường dẫn ảnh \"{src}\" ra ngoài thư mục của đơn vị",
             "chỉ dùng ảnh trong content/{unit}/images/, viết dạng /images/tên-ảnh.jpg"),
    "E502": ("ảnh \"{src}\" lấy từ trang web khác",
             "tải ảnh về máy rồi đưa vào content/{unit}/images/ và ghi đường dẫn /images/..."),
    "E503": ("mã HTML không an toàn hoặc không được phép: {detail}",
             "xóa đoạn HTML này, dùng định dạng Markdown thay thế"),
    "E504": ("liên kết \"{href}\" không an toàn",
             "chỉ dùng liên kết bắt đầu bằng https://, http://, mailto: hoặc đường dẫn trong trang"),
    # robust (issue #10): what would stop a build is the problem of its own file
    "E112": ("dòng này có ký tự điều khiển hoặc ký tự dành riêng ({code}) không hiện được trên trang web",
             "xóa ký tự lạ này (thường do chép từ Word hoặc từ trang web khác): gõ lại dòng này, "
             "hoặc dán vào Notepad rồi chép lại"),
    "E113": ("giá trị của \"{key}\" quá dài ({length} ký tự; tối đa {limit})",
             "rút gọn cho dưới {limit} ký tự: tiêu đề nên là một câu ngắn, chi tiết viết trong bài"),
    "E114": ("tệp không phải UTF-8 (có vẻ là bảng mã {encoding}) nên chữ tiếng Việt sẽ bị lỗi",
             "mở tệp, chọn Lưu thành (Save As) và chọn Encoding: UTF-8 rồi lưu lại; "
             "trong Notepad: File > Save As > Encoding: UTF-8"),
    "E115": ("tệp bài viết quá lớn ({size} MB; tối đa {limit} MB)",
             "bài viết chỉ chứa chữ: ảnh để thành tệp riêng trong images/, bài quá dài thì tách thành nhiều bài"),
    "E116": ("tệp \"{name}\" là liên kết (symbolic link) tới ngoài thư mục của đơn vị nên không được đọc",
             "thay liên kết bằng chính tệp đó, đặt trong content/{unit}/"),
    "E117": ("\"{name}\" không phải tệp thường (là {kind}) nên không được đọc",
             "xóa mục này khỏi content/; bài viết là tệp văn bản .md bình thường"),
    "E505": ("chương trình dựng trang gặp lỗi với tệp này ({detail}) nên tệp không được đăng",
             "các bài khác vẫn được đăng; sửa lại những chỗ lạ trong tệp, nếu vẫn lỗi hãy báo cho quản trị "
             "kèm dòng thông báo này"),
    # W6xx: warnings for the reviewer
    "W601": ("bài viết không có ảnh nào",
             "nên có ít nhất một ảnh có chú thích về sự kiện"),
    "W602": ("chưa ghi ngày duyệt (approved_on)",
             "thêm dòng 'approved_on: <ngày lãnh đạo duyệt>'"),
    "W603": ("bài được hẹn đăng vào {when}, chưa hiện trên trang",
             "không cần sửa nếu đúng ý định; muốn đăng ngay thì sửa 'date'"),
    "W604": ("ảnh \"{src}\" nhỏ ({width}×{height} điểm ảnh), hiển thị sẽ mờ",
             "dùng ảnh gốc có chiều rộng từ {min_width} điểm ảnh trở lên"),
    "W605": ("bài ở trạng thái nháp (draft), chưa được đăng",
             "khi bài đã sẵn sàng, xóa dòng 'status: draft' hoặc ghi 'status: published'"),
    "W606": ("đường dẫn ảnh \"{src}\" dùng dấu \\ kiểu Windows; đã đọc là \"{fixed}\"",
             "không cần sửa gấp; nên ghi {fixed} (dấu /) để trang xem trước của máy chủ git cũng hiện ảnh"),
    # portal sections (TT 37/2020) and documents (contract section 12)
    "E215": ("ngày \"{value}\" của \"{key}\" không đúng dạng",
             "{hint}"),
    "W620": ("đơn vị {unit} chưa có trang Giới thiệu (mục bắt buộc theo TT 37/2020)",
             "tạo tệp content/{unit}/pages/gioi-thieu.md có 'title: Giới thiệu' và vài dòng về cơ cấu tổ chức, chức năng, nhiệm vụ"),
    "W621": ("đơn vị {unit} chưa khai lãnh đạo (leaders) để hiện ở trang Giới thiệu",
             "thêm vào tệp này mục 'leaders:', mỗi người một dòng '- name: ...' với title, phone, email, duties (mẫu trong docs/mo-hinh-noi-dung.md)"),
    "W622": ("đơn vị {unit} chưa có bài nào trong chuyên mục bắt buộc: {missing}",
             "đăng ít nhất một bài cho mỗi chuyên mục, ghi 'category: {first}' (đúng tên chuyên mục) ở phần đầu bài"),
    "W623": ("cổng Sở chưa có liên kết thủ tục hành chính (mục bắt buộc theo TT 37/2020)",
             "thêm vào tệp này mục 'procedures:', mỗi thủ tục một dòng '- title: ...' với url là địa chỉ https:// trên Cổng dịch vụ công"),
    "W624": ("đơn vị {unit} chưa có địa chỉ thư điện tử (email): người đọc không gửi được câu hỏi, góp ý ở mục {sections}",
             "thêm vào tệp này dòng 'email: ...' với địa chỉ thư điện tử của đơn vị (hiện ở chân trang và ở mục {sections})"),
    # review (contract sections 8 and 11): personal data, state secrets, photos kept in the repository
    "W610": ("số \"{number}\" giống số {kind} (giấy tờ tùy thân) của một người",
             "không đăng số định danh cá nhân (NĐ 13/2023/NĐ-CP): xóa số này; nếu không phải số giấy tờ, "
             "người rà soát bỏ qua cảnh báo (docs/duyet-bai.md)"),
    "W611": ("số \"{number}\" giống số điện thoại di động của một người",
             "không đăng số riêng của học sinh, phụ huynh, giáo viên: xóa hoặc thay bằng số của đơn vị; "
             "số của đơn vị hay của lãnh đạo thì ghi vào units/<mã-đơn-vị>.yml (phone, leaders) để không bị cảnh báo"),
    "W612": ("có ngày sinh của một người (\"{text}\")",
             "không đăng ngày sinh của học sinh, giáo viên (dữ liệu cá nhân, NĐ 13/2023/NĐ-CP): xóa ngày sinh, "
             "chỉ giữ họ tên, lớp"),
    "W613": ("có dấu chỉ độ mật \"{mark}\"",
             "tài liệu mật không được đăng lên cổng thông tin: gỡ nội dung này, báo lãnh đạo đơn vị và Văn phòng Sở; "
             "nếu chỉ là chữ trong câu, người rà soát bỏ qua cảnh báo"),
    "W614": ("tệp ảnh \"{src}\" còn tọa độ GPS (nơi chụp)",
             "trang web không đăng tọa độ, nhưng kho vẫn giữ tệp gốc: xóa thông tin vị trí rồi tải ảnh lên lại "
             "(Windows: chuột phải vào ảnh > Properties > Details > Remove Properties and Personal Information; "
             "điện thoại: tắt vị trí trong ứng dụng máy ảnh)"),
    "W615": ("ảnh gốc \"{src}\" lớn hơn mức kho nên giữ ({detail})",
             "thu nhỏ ảnh còn cạnh dài tối đa 2560 điểm ảnh và dưới 2 MB rồi tải lên thay; "
             "trang web tự làm các cỡ nhỏ hơn"),
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one line of one repository file."""

    path: str
    line: int
    code: str
    args: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_error(self) -> bool:
        return self.code.startswith("E")

    @property
    def message(self) -> str:
        what, fix = CATALOGUE[self.code]
        values = _Defaulting(self.args)
        return f"{what.format_map(values)} — {fix.format_map(values)}"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.code} {self.message}"


class _Defaulting(dict):
    def __missing__(self, key):
        return ""


def did_you_mean(value: str, choices, key=str.casefold, shown=lambda choice: choice) -> str:
    """'có phải "<closest choice>" không? ' (difflib, compared through ``key``), or '' when none is close.

    The message stays an error: the suggestion only saves the writer a search.
    """
    by_key = {}
    for choice in choices:
        by_key.setdefault(key(choice), choice)
    found = difflib.get_close_matches(key(value), list(by_key), n=1, cutoff=0.75)
    return f'có phải "{shown(by_key[found[0]])}" không? ' if found else ""


def has_errors(problems) -> bool:
    return any(p.is_error for p in problems)


def log_problems(problems) -> None:
    """Report problems through Pelican's logging, errors as errors."""
    for problem in sorted(problems):
        if problem.is_error:
            logger.error("%s", problem)
        else:
            logger.warning("%s", problem)
