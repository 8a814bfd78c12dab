/* The province's additions to Decap CMS (plugins/web_editor): slugs as the build makes
 * them, photos that cannot lose their caption, photos shrunk before they are uploaded,
 * a preview in the portal's own style.  Loaded after decap-cms.js, which starts once
 * the page has loaded: everything registered here is in place before it does. */
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("editor-settings").textContent);
  var CMS = window.CMS, h = window.h, createClass = window.createClass;

  var slugify = window.editorSlugify;  // slug.js: the build's slugs (contract section 5)

  /* -- captions: the rules of article_reader.source._check_caption ------------------ */
  var IMAGE_EXTENSIONS = "jpg|jpeg|png|gif|webp|heic|heif|bmp|tif|tiff|avif|svg";
  var FILE_NAME = new RegExp("^[\\w\\-. /]+\\.(" + IMAGE_EXTENSIONS + ")$", "i");
  var BODY_IMAGE = /!\[([^\]]*)\]\(\s*(\S+?)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\)/g;

  function message(code, values) {
    var parts = settings.messages[code];
    function fill(text) {
      return text.replace(/\{(\w+)\}/g, function (_, key) { return values[key] || ""; });
    }
    return code + " " + fill(parts[0]) + " — " + fill(parts[1]);
  }

  function captionProblem(src, caption) {
    var name = String(src).split(/[?#]/)[0].replace(/\\/g, "/").split("/").pop();
    var stem = name.replace(/\.[^.]*$/, "");
    caption = (caption || "").trim();
    if (!caption) {
      return message("E201", {src: src, hint: "bấm vào ảnh trong bài và điền ô \"Chú thích ảnh\""});
    }
    if (FILE_NAME.test(caption) || slugify(caption) === slugify(name) || slugify(caption) === slugify(stem)) {
      return message("E203", {src: src});
    }
    var words = caption.split(/\s+/).filter(function (w) { return /[\p{L}\p{N}]/u.test(w); });
    if (words.length < 3) {
      return message("E202", {src: src, caption: caption});
    }
    return null;
  }

  function captionProblems(data) {
    var found = [], body = data.get("body") || "", match;
    BODY_IMAGE.lastIndex = 0;
    while ((match = BODY_IMAGE.exec(body)) !== null) {
      var problem = captionProblem(match[2], (match[3] || "").replace(/\\"/g, "\""));
      if (problem) found.push(problem);
    }
    var featured = data.get("image");
    if (featured) {
      var problem = captionProblem(featured, data.get("image_caption"));
      if (problem) found.push(problem.replace(/ảnh "/, "ảnh đại diện \""));
    }
    return found;
  }

  /* A save is refused, with the build's own words, before anything reaches the
   * repository: Decap shows the thrown message and keeps the entry as it is. */
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var data = event.entry.get("data");
      if (data.get("image")) data = data.set("image", publicPath(data.get("image")));
      var problems = captionProblems(data);
      if (problems.length) {
        showNotice(problems.join("\n"));
        throw new Error(problems.join("\n"));
      }
      if (notice) notice.hidden = true;  // an earlier refusal no longer holds
      if (!data.get("slug") && data.get("title")) {
        return data.set("slug", slugify(data.get("title")));  // the path is made from it (config slug)
      }
      return data;
    }
  });

  /* -- photo paths --------------------------------------------------------------------
   * The contract's form, /images/<year>/<name> (from the unit's folder), is what Decap
   * takes for an address on the web: its thumbnails and the preview would ask the site for
   * a photo not published yet.  Inside the editor a photo is named from the unit's images/
   * (public_folder "{{year}}": "2026/a.jpg"), which Decap finds among the photos just
   * chosen or in the repository; it is written in the contract's form when saved. */
  function publicPath(value) {
    value = String(value || "");
    return !value || /^(\/|\.|[a-z][a-z0-9+.-]*:)/i.test(value) ? value : "/images/" + value;
  }
  function editorPath(value) {
    value = String(value || "");
    return value.indexOf("/images/") === 0 ? value.slice("/images/".length) : value;
  }

  /* -- the photo button of the body: image, alt text and caption, written as the
   * contract's ![alt](/images/... "caption") and read back from it ------------------ */
  function quoted(caption) {
    // a straight quote would end the caption early: typographic ones read the same
    var open = true;
    return String(caption || "").trim().replace(/"/g, function () { open = !open; return open ? "”" : "“"; });
  }

  CMS.registerEditorComponent({
    id: "image",
    label: "Ảnh có chú thích",
    fields: [
      {name: "image", label: "Ảnh", widget: "image", choose_url: false,
       media_library: {allow_multiple: false}},
      {name: "caption", label: "Chú thích ảnh", widget: "string",
       hint: "Bắt buộc: ít nhất 3 từ, nói rõ ai, làm gì, ở đâu (không dùng tên tệp)."},
      {name: "alt", label: "Mô tả ảnh cho người không nhìn thấy", widget: "string", required: false,
       hint: "Để trống: dùng chú thích."}
    ],
    pattern: /^!\[([^\]]*)\]\((\S+?)(?:\s+"((?:[^"\\]|\\.)*)")?\)$/,
    fromBlock: function (match) {
      return {alt: match[1] || "", image: editorPath(match[2]), caption: (match[3] || "").replace(/\\"/g, "\"")};
    },
    toBlock: function (data) {
      var alt = String(data.alt || "").replace(/[\[\]]/g, "");
      return "![" + alt + "](" + publicPath(data.image) + " \"" + quoted(data.caption) + "\")";
    },
    toPreview: function (data, getAsset, fields) {
      var field = fields && fields.find ? fields.find(function (f) { return f.get("widget") === "image"; }) : null;
      var src = data.image ? String(getAsset(data.image, field)) : "";
      return h("figure", {}, h("img", {src: src, alt: data.alt || data.caption || ""}),
               h("figcaption", {}, data.caption || ""));
    }
  });

  /* -- category: one of the unit's categories, or a new one typed in --------------- */
  var CategoryControl = createClass({
    render: function () {
      var field = this.props.field, id = this.props.forID, self = this;
      var options = (field.get("options") || []).toJS ? field.get("options").toJS() : [];
      return h("div", {},
        h("input", {id: id, type: "text", list: id + "-options", value: this.props.value || "",
                    className: this.props.classNameWrapper,
                    onChange: function (e) { self.props.onChange(e.target.value); }}),
        h("datalist", {id: id + "-options"},
          options.map(function (name) { return h("option", {key: name, value: name}); })));
    }
  });
  CMS.registerWidget("chuyen_muc", CategoryControl);

  /* -- preview: the portal's own style sheet; each photo with its caption under it ----- */
  CMS.registerPreviewStyle(settings.theme_css);
  var ArticlePreview = createClass({
    render: function () {
      var entry = this.props.entry, image = entry.getIn(["data", "image"]);
      var featured = image ? h("figure", {className: "featured"},
        h("img", {src: String(this.props.getAsset(image)), alt: entry.getIn(["data", "image_caption"]) || ""}),
        h("figcaption", {}, entry.getIn(["data", "image_caption"]) || "")) : null;
      return h("main", {className: "article"},
        h("article", {},
          h("h1", {}, entry.getIn(["data", "title"]) || ""),
          entry.getIn(["data", "summary"]) ? h("p", {className: "summary"}, entry.getIn(["data", "summary"])) : null,
          featured,
          h("div", {className: "body"}, this.props.widgetFor("body"))));
    }
  });
  settings.article_collections.forEach(function (name) { CMS.registerPreviewTemplate(name, ArticlePreview); });

  /* -- photos made small and private before they are uploaded ---------------------------
   * The hook is the file input of Decap's own media library: its upload, listing and
   * commit of the photo with the entry stay Decap's; only the file changes.  (A library
   * of our own through CMS.registerMediaLibrary would have to redo all of that.)  The
   * input's change event is taken in the capture phase, before Decap's handler sees it;
   * the shrunk photo is put into the input and the event sent again. */
  var MAX_BYTES = 40 * 1024 * 1024;
  var notice;
  function showNotice(text) {
    if (!notice) {
      notice = document.createElement("div");
      notice.id = "thong-bao-anh";
      notice.setAttribute("role", "alert");
      // at the bottom: at the top it covered Decap's "Lưu" button, the one to press next
      notice.style.cssText = "position:fixed;z-index:100000;left:50%;bottom:1rem;transform:translateX(-50%);" +
        "max-width:40rem;background:#fff3f2;color:#7a1208;border:2px solid #b3261e;border-radius:6px;" +
        "padding:.8rem 2.5rem .8rem 1rem;font:15px/1.4 sans-serif;white-space:pre-line;box-shadow:0 2px 8px #0003";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "×";
      close.setAttribute("aria-label", "Đóng thông báo");
      close.style.cssText = "position:absolute;right:.4rem;top:.3rem;border:0;background:none;font-size:20px;cursor:pointer";
      close.onclick = function () { notice.hidden = true; };
      notice.appendChild(document.createElement("span"));
      notice.appendChild(close);
      document.body.appendChild(notice);
    }
    notice.firstChild.textContent = text;
    notice.hidden = false;
  }
  window.__editorNotice = showNotice;

  function jpegName(name) {
    var stem = String(name).replace(/\.[^.]*$/, "");
    return (slugify(stem) || "anh") + ".jpg";
  }

  function shrink(file) {
    if (!/^image\//.test(file.type) && !/\.(heic|heif)$/i.test(file.name)) {
      return Promise.reject(new Error("Tệp \"" + file.name + "\" không phải là ảnh: chỉ tải lên ảnh chụp (JPEG, PNG, HEIC). " +
        "Video và tài liệu không đăng qua trang này."));
    }
    if (file.size > MAX_BYTES) {
      return Promise.reject(new Error("Ảnh \"" + file.name + "\" quá lớn (" + Math.round(file.size / 1048576) +
        " MB): chọn ảnh dưới 40 MB."));
    }
    var options = {maxWidthOrHeight: settings.max_side, maxSizeMB: 1.9, fileType: "image/jpeg",
                   initialQuality: 0.85, useWebWorker: false, preserveExif: false};
    return window.imageCompression(file, options).then(function (small) {
      return new File([small], jpegName(file.name), {type: "image/jpeg", lastModified: file.lastModified});
    }, function () {
      var heic = /\.(heic|heif)$/i.test(file.name) || /hei[cf]/i.test(file.type);
      throw new Error(heic
        ? "Trình duyệt này không mở được ảnh HEIC \"" + file.name + "\". Trên iPhone: Cài đặt > Camera > Định dạng > " +
          "Tương thích nhất, hoặc gửi ảnh dạng JPEG rồi tải lên lại."
        : "Không đọc được ảnh \"" + file.name + "\" (tệp hỏng hoặc định dạng lạ): xuất lại ảnh dạng JPEG rồi tải lên lại.");
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || input.__shrunk) return;
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) return;
    event.stopImmediatePropagation();
    event.preventDefault();
    showNotice("Đang thu nhỏ ảnh trước khi tải lên…");
    Promise.all(files.map(shrink)).then(function (small) {
      var transfer = new DataTransfer();
      small.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;
      input.__shrunk = true;
      notice.hidden = true;
      input.dispatchEvent(new Event("change", {bubbles: true}));
    }, function (error) {
      input.value = "";  // nothing reaches Decap: nothing is saved
      showNotice(error.message);
    }).then(function () { input.__shrunk = false; });
  }, true);

  // for tests/test_editor_local.py: the guard's rules on any text, in the page itself
  window.__editorCaptionProblems = function (body, image, caption) {
    return captionProblems({get: function (k) { return {body: body, image: image, image_caption: caption}[k]; }});
  };
})();
