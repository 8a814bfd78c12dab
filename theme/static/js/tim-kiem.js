// The search page (theme search.html): Pagefind's index of this site, or of every unit's site
// on the portal (plugins/site_search).  A query without marks finds words with them: the
// index holds each page's words folded too, and the query is folded by the same rule as
// article_reader.fold (marks dropped, đ -> d, lower case).  Pagefind keeps a page when it
// matches some of the words; only pages that hold every word typed are shown (a word typed
// with marks must be there with those marks).
const form = document.getElementById("tim-kiem");
const input = document.getElementById("tu-khoa");
const status = document.getElementById("tim-kiem-trang-thai");
const list = document.getElementById("tim-kiem-ket-qua");
const more = document.getElementById("tim-kiem-them");
const root = form.dataset.root;
const sites = JSON.parse(form.dataset.sites || "{}");
const PAGE = 10;

const fold = (text) => text.replace(/[đĐÐð]/g, "d").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
const marked = (word) => fold(word) !== word.toLowerCase();
const split = (text) => text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);

let pagefind = null; // the promise of Pagefind's module, loaded once
let current = null; // the search on screen: {query, terms, results, next, count}
let typing = 0;

function engine() {
  if (pagefind === null) {
    pagefind = import(new URL("pagefind/pagefind.js", document.baseURI).href).then(async (module) => {
      // addresses as the index has them, from the root of what was indexed (see address())
      await module.options({ baseUrl: "/", excerptLength: 0 });
      return module;
    });
  }
  return pagefind;
}

function holdsEvery(terms, content) {
  const plain = new Set(split(content.normalize("NFC").toLowerCase()));
  const folded = new Set(split(fold(content)));
  return terms.every((term, index) => {
    const words = marked(term) ? plain : folded;
    const wanted = marked(term) ? term.toLowerCase() : term;
    if (index < terms.length - 1) return words.has(wanted);
    for (const word of words) if (word.startsWith(wanted)) return true; // the last word may be unfinished
    return false;
  });
}

// the words typed, one after another as typed (folded): such pages come first
function holdsPhrase(terms, content) {
  const words = split(fold(content));
  const wanted = terms.map(fold);
  for (let start = 0; start + wanted.length <= words.length; start += 1) {
    if (wanted.every((term, index) => (index < wanted.length - 1 ? words[start + index] === term
      : words[start + index].startsWith(term)))) return true;
  }
  return false;
}

function address(url) {
  const path = url.replace(/^\//, "");
  for (const [prefix, home] of Object.entries(sites)) {
    if (path.startsWith(prefix)) return home + path.slice(prefix.length);
  }
  return root + path;
}

function show(data) {
  const item = document.createElement("li");
  const title = document.createElement("a");
  title.href = address(data.url);
  title.textContent = data.meta.title;
  const heading = document.createElement("h2");
  heading.className = "search-results__title";
  heading.append(title);
  const meta = document.createElement("p");
  meta.className = "meta";
  meta.textContent = [data.meta.date, data.meta.unit].filter(Boolean).join(" · ");
  item.append(heading, meta);
  if (data.meta.summary) {
    const summary = document.createElement("p");
    summary.textContent = data.meta.summary;
    item.append(summary);
  }
  list.append(item);
}

async function showMore(search) {
  let shown = 0;
  while (shown < PAGE && search.next < search.results.length) {
    // the first results are read three pages at a time, so that pages holding the words
    // together can come before those holding them apart (Pagefind's order otherwise)
    const size = search.next === 0 ? 3 * PAGE : PAGE;
    const batch = search.results.slice(search.next, search.next + size);
    search.next += batch.length;
    const found = await Promise.all(batch.map((result) => result.data()));
    if (search !== current) return;
    const kept = found.filter((data) => holdsEvery(search.terms, data.content));
    const together = kept.filter((data) => holdsPhrase(search.terms, data.content));
    for (const data of together.concat(kept.filter((data) => !together.includes(data)))) {
      show(data);
      shown += 1;
      search.count += 1;
    }
  }
  more.hidden = search.next >= search.results.length;
  status.textContent = search.count
    ? `Có ${search.count} kết quả cho “${search.query}”${more.hidden ? "" : " (còn nữa)"}.`
    : `Không tìm thấy bài nào có “${search.query}”. Thử bớt một từ, hoặc viết từ khác.`;
}

async function run(query) {
  query = query.trim();
  const terms = split(query.normalize("NFC")).map((term) => (marked(term) ? term : term.toLowerCase()));
  list.replaceChildren();
  more.hidden = true;
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!terms.length) {
    current = null;
    status.textContent = "";
    return;
  }
  const search = { query, terms, results: [], next: 0, count: 0 };
  current = search;
  status.textContent = "Đang tìm…";
  let found;
  try {
    found = await (await engine()).search(fold(query));
  } catch (error) {
    pagefind = null;
    status.textContent = "Chưa tìm được: trang này chưa có chỉ mục tìm kiếm (sẽ có sau lần dựng trang tới).";
    return;
  }
  if (search !== current) return; // a newer query came while this one waited
  search.results = found.results;
  await showMore(search);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  run(input.value);
});
input.addEventListener("input", () => {  // as one types: once a pause comes
  clearTimeout(typing);
  typing = setTimeout(() => run(input.value), 250);
});
more.addEventListener("click", () => current && showMore(current));
const asked = new URL(location.href).searchParams.get("q");
if (asked) {
  input.value = asked;
  run(asked);
}
