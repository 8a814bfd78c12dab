/* Contract section 5, as article_reader.source.slugify does it: marks dropped, đ -> d,
 * lower case, other runs -> "-".  A file of its own so that node runs the very function
 * the editor uses against the Python one (tests/test_editor_local.py). */
(function (root) {
  "use strict";
  function slugify(text) {
    text = String(text || "").replace(/[đð]/g, "d").replace(/[ĐÐ]/g, "D");
    text = text.normalize("NFKD").replace(/\p{Mn}/gu, "").toLowerCase();
    return text.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }
  if (typeof module === "object" && module.exports) {
    module.exports = {slugify: slugify};
  } else {
    root.editorSlugify = slugify;
  }
})(this);
